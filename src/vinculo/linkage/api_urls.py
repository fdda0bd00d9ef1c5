"""Routes under /api/v1/, joined into the "api" namespace by vinculo.urls."""

from django.urls import path

from vinculo.linkage import apis

urlpatterns = [
    path("duplicate-checks/", apis.RunListApi.as_view(), name="duplicate-checks"),
    path("duplicate-checks/<uuid:run_id>/", apis.RunDetailApi.as_view(), name="duplicate-check"),
    path("duplicate-pairs/", apis.PairListApi.as_view(), name="duplicate-pairs"),
    path("duplicate-pairs/<id:pair_id>/", apis.PairDetailApi.as_view(), name="duplicate-pair"),
    path(
        "duplicate-pairs/<id:pair_id>/merge/",
        apis.PairMergeApi.as_view(),
        name="duplicate-pair-merge",
    ),
    path(
        "duplicate-pairs/<id:pair_id>/distinct/",
        apis.PairDistinctApi.as_view(),
        name="duplicate-pair-distinct",
    ),
    path("merges/<id:merge_id>/undo/", apis.MergeUndoApi.as_view(), name="merge-undo"),
    path("workers/<id:worker_id>/fraud-flag/", apis.FraudFlagApi.as_view(), name="fraud-flag"),
]
