"""The host's resolver: request.user -> the account (and site/sector) it acts for."""

from typing import Any

from .models import Membership


def account_for_user(user: Any) -> Any:
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        return None
    return {"account_id": membership.account_id, "site_id": membership.site_id, "sector_id": membership.sector_id}
