"""Routes under /api/v1/, joined into the "api" namespace by vinculo.urls."""

from django.urls import path

from vinculo.registry.apis import WorkerDetailApi, WorkerListApi, WorkerStatusApi

urlpatterns = [
    path("workers/", WorkerListApi.as_view(), name="workers"),
    path("workers/<id:worker_id>/", WorkerDetailApi.as_view(), name="worker"),
    path("public/workers/<str:number>/", WorkerStatusApi.as_view(), name="worker-status"),
]
