"""The analytics service app."""

from services.analytics.api import router
from services.analytics.consumers import build_consumers
from services.analytics.store import INDEXES
from shared.app import ServiceDefinition, app_factory

create_app = app_factory(
    ServiceDefinition(
        name="analytics",
        title="Expe analytics service",
        routers=[router],
        indexes=INDEXES,
        consumers=build_consumers,
    )
)
