"""The subscriptions service app."""

from shared.app import ServiceDefinition, app_factory

create_app = app_factory(
    ServiceDefinition(name="subscriptions", title="Expe subscriptions service")
)
