"""The auth service app."""

from shared.app import ServiceDefinition, app_factory

create_app = app_factory(ServiceDefinition(name="auth", title="Expe auth service"))
