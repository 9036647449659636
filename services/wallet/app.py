"""The wallet service app."""

from shared.app import ServiceDefinition, app_factory

create_app = app_factory(ServiceDefinition(name="wallet", title="Expe wallet service"))
