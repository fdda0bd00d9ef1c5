from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory
from vinculo.core.access import scope_for, user_can
from vinculo.core.permissions import ROLE_PERMISSIONS, Perm, Role

pytestmark = pytest.mark.django_db


def test_every_role_has_a_row_in_the_permission_table():
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_the_table_decides_what_each_role_can_do(world, role):
    user = world.users[role.value]
    for perm in Perm:
        assert user_can(user, perm) == (perm in ROLE_PERMISSIONS[role])


def test_scope_is_the_membership_jurisdiction(world):
    assert scope_for(world.users["official"], Perm.VIEW_WORKERS).jurisdiction_ids == {world.hn.pk}
    assert scope_for(world.outsider, Perm.VIEW_WORKERS).jurisdiction_ids == {world.cr.pk}


def test_cross_jurisdiction_roles_act_everywhere(world):
    assert scope_for(world.users["admin"], Perm.VIEW_WORKERS).all


def test_scope_fails_closed(world):
    assert scope_for(AnonymousUser(), Perm.VIEW_WORKERS).empty
    assert scope_for(world.users["worker"], Perm.VIEW_WORKERS).empty
    inactive = world.users["official"]
    inactive.is_active = False
    assert scope_for(inactive, Perm.VIEW_WORKERS).empty


def test_an_expired_membership_grants_nothing(world):
    user = UserFactory(username="former")
    MembershipFactory(
        user=user,
        role=Role.OFFICIAL,
        jurisdiction=world.hn,
        valid_to=timezone.now() - timezone.timedelta(days=1),
    )
    assert not user_can(user, Perm.VIEW_WORKERS)
