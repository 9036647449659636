"""Dependencies of the merchant, member, project and API key routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.auth.deps import UserAgent
from services.auth.merchants.acting import Actor
from services.auth.merchants.store import MerchantStore
from shared.app import Database
from shared.identity import UserDep


async def actor(db: Database, caller: UserDep, user_agent: UserAgent) -> Actor:
    return Actor(db, caller, user_agent)


async def merchant_store(db: Database) -> MerchantStore:
    return MerchantStore(db)


ActorDep = Annotated[Actor, Depends(actor)]
MerchantStoreDep = Annotated[MerchantStore, Depends(merchant_store)]
