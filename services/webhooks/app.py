"""The webhooks service app."""

from shared.app import ServiceDefinition, app_factory

create_app = app_factory(ServiceDefinition(name="webhooks", title="Expe webhooks service"))
