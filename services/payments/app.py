"""The payments service app."""

from shared.app import ServiceDefinition, app_factory

create_app = app_factory(ServiceDefinition(name="payments", title="Expe payments service"))
