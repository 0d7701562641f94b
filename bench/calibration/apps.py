from django.apps import AppConfig


class CalibrationConfig(AppConfig):
    name = "bench.calibration"
    label = "calibration"
    default_auto_field = "django.db.models.BigAutoField"
