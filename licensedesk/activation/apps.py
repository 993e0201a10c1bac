from django.apps import AppConfig


class ActivationConfig(AppConfig):
    name = "licensedesk.activation"
    label = "activation"
    verbose_name = "License files and device activation"

    def ready(self):
        from licensedesk.core import plans

        # The online activation of installations (api.create_activation): key lookups and
        # inserts, the token's lookup first, all planned once per connection.
        plans.serve_generically("POST", r"/api/v1/licenses/[^/]+/activations")
