"""Settings for the benchmark only: the portal's own settings plus a bare view to compare against."""

from expo.settings import *  # noqa: F403 - the benchmark must run exactly the product's settings

ROOT_URLCONF = "bench.urls"
