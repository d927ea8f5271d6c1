"""The public open data pages: the published editions, an edition's datasets with their data dictionaries, and the
CSV files themselves.

Every response is cached whole (``expo.caching``) under the versions of the data it shows (``datasets.py``);
the pages read no query parameter, so any the visitor adds is dropped. A data file is the same for whoever asks
and in whatever language (codes, English labels and the Urdu names the portal keeps); a data dictionary is in
the language of the page it is downloaded from.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from expo import caching, exports
from expo.views import HOME_VERSION_KEY

from . import disclosure, selectors
from .datasets import DATASETS, DICTIONARY_HEADER, Dataset, dataset_for


def _download(response: HttpResponse, filename: str) -> HttpResponse:
    """The cache keeps a response's body and type only: the file name is put back on each answer."""
    if response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def index(request):
    def build() -> HttpResponse:
        editions = selectors.editions_published(today=timezone.localdate())
        return render(request, "opendata/index.html", {"editions": editions})

    return caching.cached_public_page(request, version_key=HOME_VERSION_KEY, build=build)


@require_safe
def edition(request, year: int):
    def build() -> HttpResponse:
        expo = selectors.edition_published(year=year, today=timezone.localdate())
        context = {"expo": expo, "datasets": DATASETS, "threshold": disclosure.THRESHOLD}
        return render(request, "opendata/edition.html", context)

    return caching.cached_public_page(request, version_key=HOME_VERSION_KEY, build=build)


def _file(request, *, year: int, dataset: Dataset, dictionary: bool) -> HttpResponse:
    expo = selectors.edition_published(year=year, today=timezone.localdate())
    if dictionary:
        return exports.csv_response(
            [DICTIONARY_HEADER, *dataset.dictionary_rows()], filename=dataset.dictionary_filename(year)
        )
    with translation.override("en"):
        rows = dataset.rows(expo=expo)
    return exports.csv_response([dataset.header, *rows], filename=dataset.filename(year))


@require_safe
def dataset_csv(request, year: int, slug: str):
    dataset = dataset_for(slug)
    response = caching.cached_public_page(
        request,
        version_key=dataset.versions[0],
        also_versions=dataset.versions[1:],
        build=lambda: _file(request, year=year, dataset=dataset, dictionary=False),
        personal=False,
    )
    return _download(response, dataset.filename(year))


@require_safe
def dictionary_csv(request, year: int, slug: str):
    dataset = dataset_for(slug)
    response = caching.cached_public_page(
        request,
        version_key=HOME_VERSION_KEY,
        build=lambda: _file(request, year=year, dataset=dataset, dictionary=True),
        personal=False,
    )
    return _download(response, dataset.dictionary_filename(year))


urlpatterns = [
    path("open-data/", index, name="opendata_index"),
    path("open-data/<int:year>/", edition, name="opendata_edition"),
    path("open-data/<int:year>/<slug:slug>.csv", dataset_csv, name="opendata_dataset"),
    path("open-data/<int:year>/dictionaries/<slug:slug>.csv", dictionary_csv, name="opendata_dictionary"),
]
