"""What the public API shows of each model: only the fields its public pages show, listed one by one.

Each serializer names its fields explicitly (never ``__all__``), so that a field added to a model stays
private until someone decides otherwise; ``api.privacy`` lists the fields that must never appear, and the
tests check every serializer and every answer against it. Texts come in English and Urdu side by side, and
choices as their codes, so that an answer does not depend on the language of whoever asked first.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.models import Category, Result
from exhibitors.models import EXPORT_READY, Exhibitor, ExhibitorProduct
from expo.models import Cluster, Expo, Sector
from pavilions.models import Hall, Pavilion, Stall
from programme.models import Room, Session, SessionSpeaker, Speaker


def _image() -> serializers.ImageField:
    """An uploaded image's absolute URL, or null when there is none."""
    return serializers.ImageField(read_only=True, allow_null=True, use_url=True)


def _edition_year(source: str) -> serializers.IntegerField:
    """The year of the row's edition, read through ``source``: the API names editions by their year."""
    return serializers.IntegerField(source=source, read_only=True, help_text="The edition's year.")


class EditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expo
        fields = ["year", "name", "venue", "city", "start_date", "end_date", "time_zone", "is_current"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "name", "name_ur", "slug"]


class ClusterBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cluster
        fields = ["id", "name"]


class ClusterSerializer(serializers.ModelSerializer):
    sector = SectorSerializer(read_only=True)

    class Meta:
        model = Cluster
        fields = ["id", "name", "city", "province", "sector"]


class ExhibitorBriefSerializer(serializers.ModelSerializer):
    expo = _edition_year("expo.year")

    class Meta:
        model = Exhibitor
        fields = ["id", "slug", "name", "expo"]


class ProductSerializer(serializers.ModelSerializer):
    exhibitor = ExhibitorBriefSerializer(read_only=True)
    photo = _image()
    thumbnail = _image()

    class Meta:
        model = ExhibitorProduct
        fields = ["id", "name", "description", "hs_code", "photo", "thumbnail", "exhibitor"]


class ExhibitorProductSerializer(ProductSerializer):
    class Meta(ProductSerializer.Meta):
        fields = ["id", "name", "description", "hs_code", "photo", "thumbnail"]


class ExhibitorSerializer(serializers.ModelSerializer):
    expo = _edition_year("expo.year")
    cluster = ClusterBriefSerializer(read_only=True)
    sector = SectorSerializer(source="cluster.sector", read_only=True)
    export_ready = serializers.SerializerMethodField(help_text="Exports now and then or regularly.")
    logo_thumbnail = _image()
    certifications = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    product_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Exhibitor
        fields = [
            "id",
            "slug",
            "name",
            "expo",
            "cluster",
            "sector",
            "city",
            "province",
            "women_led",
            "size_class",
            "export_experience",
            "export_ready",
            "export_markets",
            "description",
            "description_ur",
            "logo_thumbnail",
            "website",
            "public_email",
            "public_phone",
            "whatsapp",
            "certifications",
            "product_count",
        ]

    def get_export_ready(self, exhibitor: Exhibitor) -> bool:
        return exhibitor.export_experience in EXPORT_READY


class StallBriefSerializer(serializers.ModelSerializer):
    hall = serializers.CharField(source="pavilion.hall.code", read_only=True, help_text="The hall's code.")
    pavilion = serializers.CharField(source="pavilion.name", read_only=True)

    class Meta:
        model = Stall
        fields = ["id", "code", "hall", "pavilion"]


class AwardBriefSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", read_only=True)
    category_ur = serializers.CharField(source="category.name_ur", read_only=True)

    class Meta:
        model = Result
        fields = ["category", "category_ur", "place"]


class ExhibitorDetailSerializer(ExhibitorSerializer):
    products = ExhibitorProductSerializer(many=True, read_only=True)
    stalls = serializers.SerializerMethodField()
    awards = serializers.SerializerMethodField(help_text="Published award results.")

    class Meta(ExhibitorSerializer.Meta):
        fields = [*ExhibitorSerializer.Meta.fields, "products", "stalls", "awards"]

    @extend_schema_field(StallBriefSerializer(many=True))
    def get_stalls(self, exhibitor: Exhibitor):
        stalls = sorted((allocation.stall for allocation in exhibitor.stall_allocations.all()), key=lambda s: s.code)
        return StallBriefSerializer(stalls, many=True).data

    @extend_schema_field(AwardBriefSerializer(many=True))
    def get_awards(self, exhibitor: Exhibitor):
        results = [result for candidacy in exhibitor.award_candidacies.all() for result in candidacy.results.all()]
        return AwardBriefSerializer(sorted(results, key=lambda result: result.pk), many=True).data


class HallSerializer(serializers.ModelSerializer):
    expo = _edition_year("expo.year")

    class Meta:
        model = Hall
        fields = ["id", "code", "name", "expo", "width", "depth", "order"]


class PavilionSerializer(serializers.ModelSerializer):
    expo = _edition_year("hall.expo.year")
    clusters = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Pavilion
        fields = ["id", "code", "name", "kind", "hall", "expo", "clusters", "x", "y", "width", "depth", "colour"]


class StallSerializer(serializers.ModelSerializer):
    hall = serializers.IntegerField(source="pavilion.hall_id", read_only=True)
    expo = _edition_year("pavilion.hall.expo.year")
    occupant = serializers.SerializerMethodField(help_text="The listed exhibitor standing there, if any.")

    class Meta:
        model = Stall
        fields = ["id", "code", "pavilion", "hall", "expo", "x", "y", "width", "depth", "open_sides", "occupant"]

    @extend_schema_field(ExhibitorBriefSerializer(allow_null=True))
    def get_occupant(self, stall: Stall):
        allocation = getattr(stall, "allocation", None)
        if allocation is None or not allocation.exhibitor.listed:
            return None
        exhibitor = allocation.exhibitor
        # The stall's edition is the exhibitor's: read it from there rather than query again.
        exhibitor.expo = stall.pavilion.hall.expo
        return ExhibitorBriefSerializer(exhibitor).data


class RoomSerializer(serializers.ModelSerializer):
    expo = _edition_year("hall.expo.year")

    class Meta:
        model = Room
        fields = ["id", "name", "name_ur", "hall", "expo", "capacity", "accessible"]


class SessionSpeakerSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="speaker.id", read_only=True)
    name = serializers.CharField(source="speaker.name", read_only=True)

    class Meta:
        model = SessionSpeaker
        fields = ["id", "name", "role"]


class SessionSerializer(serializers.ModelSerializer):
    expo = _edition_year("expo.year")
    cancelled = serializers.BooleanField(source="is_cancelled", read_only=True)
    sectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    clusters = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    speakers = SessionSpeakerSerializer(source="speaker_links", many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "expo",
            "kind",
            "title",
            "title_ur",
            "abstract",
            "abstract_ur",
            "starts_at",
            "ends_at",
            "room",
            "language",
            "rsvp_required",
            "cancelled",
            "sectors",
            "clusters",
            "speakers",
        ]


class SpeakerSerializer(serializers.ModelSerializer):
    expo = _edition_year("expo.year")
    photo_thumbnail = _image()
    sessions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Speaker
        fields = ["id", "expo", "name", "title", "organisation", "bio", "bio_ur", "photo_thumbnail", "sessions"]


class AwardCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "name_ur", "description", "description_ur"]


class AwardWinnerSerializer(serializers.ModelSerializer):
    expo = _edition_year("category.expo.year")
    category = AwardCategorySerializer(read_only=True)
    exhibitor = serializers.SerializerMethodField(help_text="The exhibitor honoured; its id only when it is listed.")

    class Meta:
        model = Result
        fields = ["id", "expo", "category", "place", "rank", "exhibitor", "published_at"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer", "nullable": True}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }
    )
    def get_exhibitor(self, result: Result):
        exhibitor = result.candidate.exhibitor
        return {"id": exhibitor.pk if exhibitor.listed else None, "name": exhibitor.name}
