"""Writes of the exhibitors app: the nomination lifecycle, reviews, decisions, exhibitor profiles.

Every function takes keyword arguments, runs in one transaction and raises
``NominationError`` with a message the user can read.
"""

import logging
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable
from simple_history.utils import bulk_create_with_history

from expo import caching, images
from expo import services as core
from expo.forms import UploadedImage, image_messages
from expo.models import Expo, TradeBody, User

from .models import (
    BoothStaff,
    Enterprise,
    Exhibitor,
    ExhibitorProduct,
    Nomination,
    NominationProduct,
    NominationRules,
    Review,
    ReviewCriterion,
    SizeClass,
    TradeBodyQuota,
    normalise_name,
    private_storage,
)
from .signals import exhibitor_offer_changed

logger = logging.getLogger(__name__)

Status = Nomination.Status
DIRECTORY_VERSION_KEY = "exhibitors:directory-version"

DEFAULT_CRITERIA = [
    ("quality", "Product quality", Decimal("1.0")),
    ("innovation", "Innovation", Decimal("1.0")),
    ("market_readiness", "Market readiness", Decimal("1.0")),
    ("export_potential", "Export potential", Decimal("1.0")),
]

# Fields each step of the form fills, and those that must be filled before submitting.
REQUIRED_TO_SUBMIT = {
    Nomination.Step.ENTERPRISE: ["legal_name", "turnover_band", "city", "province", "cluster", "description"],
    Nomination.Step.OWNER: ["owner_name", "contact_name", "contact_email", "contact_phone"],
    Nomination.Step.JUSTIFICATION: ["justification", "requested_stall_size"],
}
# Statuses that use up a slot of the trade body's quota.
COUNTS_AGAINST_QUOTA = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED, Status.WAITLISTED, Status.REJECTED]
DECISIONS = {Status.APPROVED, Status.WAITLISTED, Status.REJECTED}
DECIDABLE_FROM = {Status.SUBMITTED, Status.UNDER_REVIEW, Status.WAITLISTED}


class NominationError(core.ExpoError):
    """A nomination operation that cannot be done; the message says why."""


# --- Rules of an edition ------------------------------------------------------------------


def nomination_rules_ensure(*, expo: Expo) -> NominationRules:
    """The edition's nomination rules, made with the national defaults and the standard rubric if missing."""
    rules, created = NominationRules.objects.get_or_create(expo=expo)
    if created or not ReviewCriterion.objects.filter(expo=expo).exists():
        for order, (key, name, weight) in enumerate(DEFAULT_CRITERIA):
            ReviewCriterion.objects.get_or_create(
                expo=expo, key=key, defaults={"name": name, "weight": weight, "order": order}
            )
    return rules


def quota_for(*, expo: Expo, trade_body: TradeBody) -> int:
    quota = TradeBodyQuota.objects.filter(expo=expo, trade_body=trade_body).values_list("limit", flat=True).first()
    return quota if quota is not None else nomination_rules_ensure(expo=expo).default_quota


def quota_used(*, expo: Expo, trade_body: TradeBody) -> int:
    return Nomination.objects.filter(expo=expo, trade_body=trade_body, status__in=COUNTS_AGAINST_QUOTA).count()


def _check_quota(expo: Expo, trade_body: TradeBody, adding: int = 1) -> None:
    limit = quota_for(expo=expo, trade_body=trade_body)
    if quota_used(expo=expo, trade_body=trade_body) + adding > limit:
        raise NominationError(
            _(
                "%(trade_body)s has used all %(limit)d of its nominations for %(expo)s. "
                "Withdraw a nomination or ask the SMEDA expo team for a larger quota."
            )
            % {"trade_body": trade_body, "limit": limit, "expo": expo}
        )


# --- Nominations by trade bodies ----------------------------------------------------------


# Each image field and the field holding its thumbnail.
THUMBNAIL_OF = {"logo": "logo_thumbnail", "photo": "thumbnail"}
# An upload is checked in the request and re-encoded by a worker (``image_process``). Until then its image
# field already holds the name the re-encoded file will have, its thumbnail field is empty ("not ready"),
# and the original, metadata and all, waits in private storage under PENDING_FOLDER: public media only
# ever holds re-encoded images.
PENDING_FOLDER = "pending"
IMAGE_MODELS = {model._meta.model_name: model for model in (Nomination, NominationProduct, Exhibitor, ExhibitorProduct)}


def _pending_name(name: str) -> str:
    return f"{PENDING_FOLDER}/{name}"


def _files_delete_on_commit(instance, fields) -> None:
    """Delete the files ``instance`` holds in ``fields`` once the transaction commits (they are being replaced,
    cleared or their row deleted), with an original still waiting to be re-encoded; a rollback keeps them.
    Nothing else refers to them: approval copies files."""
    for field in fields:
        file = getattr(instance, field)
        if file:
            transaction.on_commit(partial(file.storage.delete, file.name))
            if field in THUMBNAIL_OF:
                transaction.on_commit(partial(private_storage().delete, _pending_name(file.name)))


def _image_stage(instance, field: str, original: ContentFile) -> None:
    """Keep ``original`` (a checked upload) privately, point ``field`` at the name of its re-encoded copy to
    come and clear the thumbnail; the worker is asked to re-encode it once the change commits."""
    name = instance._meta.get_field(field).generate_filename(instance, original.name)
    private_storage().save(_pending_name(name), original)
    setattr(instance, field, name)
    setattr(instance, THUMBNAIL_OF[field], "")
    # The row of a new instance has its id only once saved, later in the same transaction.
    transaction.on_commit(lambda: _image_process_enqueue(model=instance._meta.model_name, pk=instance.pk, field=field))


def _image_process_enqueue(*, model: str, pk: int, field: str) -> None:
    from .tasks import image_process

    try:
        image_process.delay(model, pk, field)
    except BrokerUnavailable:
        # The original stays waiting and the thumbnail empty: the next upload or a staff re-run redoes it.
        logger.warning("Broker unavailable; %s %s %s left waiting to be re-encoded.", model, pk, field)


def image_process(*, model: str, pk: int, field: str) -> bool:
    """Re-encode the original waiting for ``field`` of the ``model`` row ``pk`` and make its thumbnail.

    Returns whether it wrote them. Safe to run twice, and after the row was deleted or the image replaced
    or cleared: it then does nothing. An original that cannot be decoded (only a file crafted to pass the
    request's cheap check) is dropped and the field cleared.
    """
    model_class, thumbnail_field = IMAGE_MODELS[model], THUMBNAIL_OF[field]
    instance = model_class.objects.filter(pk=pk).first()
    if instance is None or not getattr(instance, field) or getattr(instance, thumbnail_field):
        return False
    name = getattr(instance, field).name
    pending = private_storage()
    try:
        with pending.open(_pending_name(name), "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return False
    try:
        clean = images.reencode(data, messages=image_messages())
    except images.ImageRejected as error:
        logger.warning("%s %s %s could not be re-encoded (%s); the image is dropped.", model, pk, field, error)
        clean = None
    with transaction.atomic():
        locked = model_class.objects.select_for_update().filter(pk=pk).first()
        # Replaced, cleared or done by another run while this one was encoding.
        if locked is None or getattr(locked, field).name != name or getattr(locked, thumbnail_field):
            return False
        if clean is None:
            model_class.objects.filter(pk=pk).update(**{field: ""})
        else:
            image, thumbnail = getattr(locked, field), getattr(locked, thumbnail_field)
            # A run that failed after writing the file leaves it under the same name: replace it.
            image.storage.delete(name)
            image.storage.save(name, ContentFile(clean.content))
            thumbnail.save(f"thumbnail.{clean.extension}", ContentFile(clean.thumbnail), save=False)
            model_class.objects.filter(pk=pk).update(**{thumbnail_field: thumbnail.name})
        transaction.on_commit(partial(pending.delete, _pending_name(name)))
        if model_class in (Exhibitor, ExhibitorProduct):
            transaction.on_commit(directory_changed)
    return clean is not None


def _assign(instance, data: dict) -> dict:
    """Copy form data onto ``instance``. Images arrive as ``UploadedImage`` (saved with their thumbnail)
    or ``False`` (the "clear" checkbox); the files they replace are deleted once saved. Return the
    many-to-many values, to set once the row is saved."""
    many_to_many = {}
    for field, value in data.items():
        if field in THUMBNAIL_OF:
            thumbnail = THUMBNAIL_OF[field]
            if isinstance(value, UploadedImage) or value is False:
                _files_delete_on_commit(instance, (field, thumbnail))
            if isinstance(value, UploadedImage):
                _image_stage(instance, field, value.original)
            elif value is False:
                setattr(instance, field, "")
                setattr(instance, thumbnail, "")
        elif instance._meta.get_field(field).many_to_many:
            many_to_many[field] = value
        else:
            setattr(instance, field, value)
    return many_to_many


def _set_many_to_many(instance, values: dict) -> None:
    for field, value in values.items():
        getattr(instance, field).set(value)


def _derive(nomination: Nomination, rules: NominationRules | None = None) -> None:
    if nomination.turnover_band:
        rules = rules or nomination_rules_ensure(expo=nomination.expo)
        nomination.size_class = rules.size_class_for(nomination.turnover_band)
    if not nomination.women_led:
        nomination.wants_women_pavilion = False


def nomination_create(*, expo: Expo, trade_body: TradeBody, user: User, data: dict) -> Nomination:
    """Start a draft from the first step's data. Refused when nominations are closed or the quota is used up."""
    with transaction.atomic():
        TradeBody.objects.select_for_update().get(pk=trade_body.pk)
        if not nomination_rules_ensure(expo=expo).nominations_open:
            raise NominationError(_("Nominations for %(expo)s are closed.") % {"expo": expo})
        _check_quota(expo, trade_body)
        nomination = Nomination(expo=expo, trade_body=trade_body, created_by=user)
        many_to_many = _assign(nomination, data)
        _derive(nomination)
        nomination.steps_done = Nomination.Step.ENTERPRISE
        nomination.save()
        _set_many_to_many(nomination, many_to_many)
    return nomination


def nomination_update(*, nomination: Nomination, step: int, data: dict, products: list[dict] | None = None) -> None:
    """Save one step of a draft. ``products`` (step 3) lists dicts with ``id`` (None for new),
    ``name``, ``description``, ``hs_code``, ``photo`` (an ``UploadedImage`` or None) and ``delete``.
    """
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if not locked.is_editable:
            raise NominationError(_("This nomination has been submitted and can no longer be changed."))
        many_to_many = _assign(nomination, data)
        _derive(nomination)
        nomination.steps_done = max(locked.steps_done, step)
        nomination.save()
        _set_many_to_many(nomination, many_to_many)
        for product in products or []:
            _product_save(nomination, product)


def _product_save(nomination: Nomination, product: dict) -> None:
    existing = nomination.products.filter(pk=product["id"]).first() if product.get("id") else None
    if product.get("delete"):
        if existing:
            _files_delete_on_commit(existing, ("photo", "thumbnail"))
            existing.delete()
        return
    row = existing or NominationProduct(nomination=nomination)
    fields = {key: value for key, value in product.items() if key not in ("id", "delete")}
    _assign(row, {"description": "", "hs_code": "", **fields})
    row.save()


def nomination_missing(nomination: Nomination, *, has_products: bool | None = None) -> list[tuple[int, str]]:
    """What must still be filled in before submitting: (step, field label) pairs. ``has_products`` spares
    the query when the caller knows (a spreadsheet row's products are not saved yet)."""
    missing = []
    for step, fields in REQUIRED_TO_SUBMIT.items():
        for field in fields:
            if not getattr(nomination, field if field != "cluster" else "cluster_id"):
                missing.append((step, str(Nomination._meta.get_field(field).verbose_name)))
    if not (nomination.products.exists() if has_products is None else has_products):
        missing.append((Nomination.Step.PRODUCTS, str(_("at least one product"))))
    return missing


def _submittable(nomination: Nomination, *, has_products: bool | None = None) -> None:
    """Raise unless ``nomination`` may be submitted: everything needed filled in, and an SME."""
    missing = nomination_missing(nomination, has_products=has_products)
    if missing:
        raise NominationError(
            _("Please complete: %(fields)s.") % {"fields": ", ".join(label for _step, label in missing)}
        )
    if nomination.size_class == SizeClass.LARGE:
        raise NominationError(_("Enterprises with a turnover above the medium threshold are not SMEs."))


def nomination_submit(*, nomination: Nomination, user: User) -> Nomination:
    """Submit a complete draft for review: checks the quota, links the enterprise, tells the trade body."""
    with transaction.atomic():
        TradeBody.objects.select_for_update().get(pk=nomination.trade_body_id)
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.status != Status.DRAFT:
            raise NominationError(_("Only a draft can be submitted."))
        _submittable(nomination)
        _check_quota(nomination.expo, nomination.trade_body)
        nomination.enterprise = enterprise_for_nomination(nomination)
        nomination.status = Status.SUBMITTED
        nomination.submitted_at = timezone.now()
        nomination.save()
        _notify_trade_body(nomination, "nomination_submitted")
    return nomination


def nominations_submit_imported(
    *,
    expo: Expo,
    trade_body: TradeBody,
    user: User,
    rules: NominationRules,
    nominations: list[Nomination],
    products: list[list[str]],
    dry_run: bool = False,
) -> list[Nomination]:
    """Submit a spreadsheet's nominations (unsaved, one list of product names each) together, under the
    rules of the form's services: nominations open, the quota for all of them, the fields needed to
    submit, SMEs only, the enterprise matched by NTN or by name and city. ``rules`` and the matching
    data are read once, and the rows written in bulk, so that a file of a thousand rows takes seconds.
    ``dry_run`` (the preview) runs every check and the matching and writes nothing. The caller runs
    this in its transaction; no email is sent (the import sends one summary)."""
    with transaction.atomic():
        TradeBody.objects.select_for_update().get(pk=trade_body.pk)
        if not rules.nominations_open:
            raise NominationError(_("Nominations for %(expo)s are closed.") % {"expo": expo})
        _check_quota(expo, trade_body, adding=len(nominations))
        now = timezone.now()
        for nomination, names in zip(nominations, products, strict=True):
            nomination.expo, nomination.trade_body, nomination.created_by = expo, trade_body, user
            _derive(nomination, rules)
            try:
                _submittable(nomination, has_products=bool(names))
            except NominationError as error:
                raise NominationError(f"{nomination}: {error}") from error
            nomination.status, nomination.submitted_at = Status.SUBMITTED, now
            nomination.created_at = now
            nomination.steps_done = Nomination.Step.JUSTIFICATION
        _enterprises_link(nominations, save=not dry_run)
        if dry_run:
            return nominations
        saved = bulk_create_with_history(nominations, Nomination, default_user=user, default_date=now)
        NominationProduct.objects.bulk_create(
            NominationProduct(nomination=nomination, name=name)
            for nomination, names in zip(saved, products, strict=True)
            for name in names
        )
    return saved


def nomination_withdraw(*, nomination: Nomination, user: User) -> None:
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if not nomination.is_withdrawable:
            raise NominationError(_("A nomination can be withdrawn only until its review begins."))
        nomination.status = Status.WITHDRAWN
        nomination.save()


class _EnterpriseIndex:
    """The known enterprises some nominations could be of, by NTN and by folded name and city: the one
    matching rule (NTN first, else the same name in the same city), read in two queries for any number."""

    def __init__(self, nominations: list[Nomination]):
        ntns = {nomination.ntn.replace("-", "") for nomination in nominations if nomination.ntn}
        names = {normalise_name(nomination.legal_name) for nomination in nominations}
        self.by_ntn = {enterprise.ntn: enterprise for enterprise in Enterprise.objects.filter(ntn__in=ntns)}
        self.by_name = {}
        for enterprise in Enterprise.objects.filter(normalised_name__in=names).order_by("legal_name", "pk"):
            self.by_name.setdefault(self._name_key(enterprise.normalised_name, enterprise.city), enterprise)

    @staticmethod
    def _name_key(normalised: str, city: str) -> tuple[str, str]:
        return normalised, city.strip().upper()

    def find(self, nomination: Nomination) -> Enterprise | None:
        ntn = nomination.ntn.replace("-", "")
        found = self.by_ntn.get(ntn) if ntn else None
        return found or self.by_name.get(self._name_key(normalise_name(nomination.legal_name), nomination.city))

    def add(self, enterprise: Enterprise) -> None:
        if enterprise.ntn:
            self.by_ntn[enterprise.ntn] = enterprise
        self.by_name.setdefault(self._name_key(enterprise.normalised_name, enterprise.city), enterprise)


def _enterprise_of(nomination: Nomination, index: _EnterpriseIndex) -> tuple[Enterprise, bool]:
    """The enterprise ``nomination`` is of and whether it is new (unsaved); a known one learns its NTN."""
    found = index.find(nomination)
    if found:
        if nomination.ntn and not found.ntn:
            found.ntn = nomination.ntn.replace("-", "")
            index.add(found)
        return found, False
    enterprise = Enterprise(
        legal_name=nomination.legal_name,
        normalised_name=normalise_name(nomination.legal_name),
        ntn=nomination.ntn.replace("-", "") or None,
        city=nomination.city.strip(),
        province=nomination.province,
        cluster=nomination.cluster,
        women_led=nomination.women_led,
        size_class=nomination.size_class,
    )
    index.add(enterprise)
    return enterprise, True


def enterprise_find(*, ntn: str, legal_name: str, city: str) -> Enterprise | None:
    """The enterprise already known by this NTN, or by the same name in the same city."""
    probe = Nomination(ntn=ntn, legal_name=legal_name, city=city)
    return _EnterpriseIndex([probe]).find(probe)


def enterprise_for_nomination(nomination: Nomination) -> Enterprise:
    """The enterprise this nomination is of: found by NTN or name and city, else made from the nomination."""
    index = _EnterpriseIndex([nomination])
    found = index.find(nomination)
    known_ntn = found.ntn if found else None
    enterprise, new = _enterprise_of(nomination, index)
    if new:
        enterprise.save()
    elif enterprise.ntn != known_ntn:
        enterprise.save(update_fields=["ntn"])
    return enterprise


def _enterprises_link(nominations: list[Nomination], *, save: bool) -> None:
    """Link each nomination to its enterprise, making the new ones in bulk (two rows of one SME share one)."""
    index = _EnterpriseIndex(nominations)
    known_ntns = {enterprise.pk: enterprise.ntn for enterprise in [*index.by_ntn.values(), *index.by_name.values()]}
    new, learnt = [], {}
    for nomination in nominations:
        enterprise, is_new = _enterprise_of(nomination, index)
        if is_new:
            new.append(enterprise)
        elif enterprise.pk is not None and enterprise.ntn != known_ntns.get(enterprise.pk):
            learnt[enterprise.pk] = enterprise
        nomination.enterprise = enterprise
    if save:
        Enterprise.objects.bulk_create(new)
        Enterprise.objects.bulk_update(learnt.values(), ["ntn"])


def _notify_trade_body(nomination: Nomination, template: str) -> None:
    _email_trade_body(nomination.trade_body, template, {"nomination": nomination})


def _email_trade_body(trade_body: TradeBody, template: str, context: dict) -> None:
    for email in trade_body.members.filter(is_active=True).values_list("email", flat=True):
        core.email_queue(to=email, template=template, context=context)


def nominations_imported_notify(*, trade_body: TradeBody, expo: Expo, count: int) -> None:
    """One email to the trade body's members for a whole spreadsheet import."""
    _email_trade_body(trade_body, "nominations_imported", {"trade_body": trade_body, "expo": expo, "count": count})


# --- Reviews and decisions by staff -------------------------------------------------------


def weighted_score(*, scores: dict[str, int], criteria: list[ReviewCriterion]) -> Decimal:
    total_weight = sum(criterion.weight for criterion in criteria)
    total = sum(criterion.weight * scores[criterion.key] for criterion in criteria)
    return (total / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def review_save(*, nomination: Nomination, reviewer: User, scores: dict[str, int], comment: str = "") -> Review:
    """Record (or revise) one reviewer's rubric scores. The first review puts the nomination under review."""
    criteria = list(ReviewCriterion.objects.filter(expo=nomination.expo))
    expected = {criterion.key for criterion in criteria}
    if set(scores) != expected:
        raise NominationError(_("Score every criterion of the rubric."))
    if any(type(value) is not int or not 1 <= value <= 5 for value in scores.values()):
        raise NominationError(_("Scores run from 1 to 5."))
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.status not in (Status.SUBMITTED, Status.UNDER_REVIEW, Status.WAITLISTED):
            raise NominationError(_("Only submitted nominations can be scored."))
        review, _created = Review.objects.update_or_create(
            nomination=nomination,
            reviewer=reviewer,
            defaults={
                "scores": scores,
                "comment": comment,
                "weighted_score": weighted_score(scores=scores, criteria=criteria),
            },
        )
        if nomination.status == Status.SUBMITTED:
            nomination.status = Status.UNDER_REVIEW
            nomination.save(update_fields=["status"])
    return review


def nomination_decide(*, nomination: Nomination, decision: str, reason: str, user: User, site_url: str) -> None:
    """Approve, waitlist or reject. Approval makes the exhibitor and invites its contact; the trade body is told."""
    if decision not in DECISIONS:
        raise NominationError(_("Choose approve, waitlist or reject."))
    if decision != Status.APPROVED and not reason.strip():
        raise NominationError(_("Give the trade body a reason for waitlisting or rejecting."))
    if not user.has_perm("exhibitors.decide_nomination"):
        raise NominationError(_("You may score nominations but not decide on them."))
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().select_related("expo", "trade_body").get(pk=nomination.pk)
        if nomination.status not in DECIDABLE_FROM:
            raise NominationError(
                _("%(name)s is %(status)s and cannot be decided on now.")
                % {"name": nomination, "status": nomination.get_status_display().lower()}
            )
        nomination.status = decision
        nomination.decision_reason = reason.strip()
        nomination.decided_at = timezone.now()
        nomination.save()
        if decision == Status.APPROVED:
            exhibitor = _exhibitor_create(nomination)
            core.invitation_create(
                organisation=exhibitor, email=nomination.contact_email, invited_by=user, site_url=site_url
            )
        _notify_trade_body(nomination, "nomination_decided")


def nominations_decide(*, nominations, decision: str, reason: str, user: User, site_url: str) -> tuple[int, list[str]]:
    """Decide on several nominations; each in its own transaction. Return how many were decided and the errors."""
    decided, errors = 0, []
    for nomination in nominations:
        try:
            nomination_decide(nomination=nomination, decision=decision, reason=reason, user=user, site_url=site_url)
        except NominationError as error:
            errors.append(str(error))
        else:
            decided += 1
    return decided, errors


def _copy_image(source, target, field: str) -> None:
    """Copy the image ``field`` of a nomination (private) to the exhibitor approval makes (public media).

    A re-encoded image is copied with its thumbnail; one still waiting for the worker is queued to be
    re-encoded for the exhibitor too, so that its original never reaches public media.
    """
    image, thumbnail = getattr(source, field), getattr(source, THUMBNAIL_OF[field])
    if not image:
        return
    if thumbnail:
        for stored, copy in ((image, getattr(target, field)), (thumbnail, getattr(target, THUMBNAIL_OF[field]))):
            with stored.open("rb") as handle:
                copy.save(stored.name.rsplit("/", 1)[-1], ContentFile(handle.read()), save=False)
        return
    try:
        with private_storage().open(_pending_name(image.name), "rb") as handle:
            original = ContentFile(handle.read(), name=image.name.rsplit("/", 1)[-1])
    except FileNotFoundError:
        return
    _image_stage(target, field, original)


def _unique_slug(expo: Expo, name: str) -> str:
    base = slugify(name)[:200] or "exhibitor"
    slug, number = base, 2
    while Exhibitor.objects.filter(expo=expo, slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _exhibitor_create(nomination: Nomination) -> Exhibitor:
    name = nomination.brand_name or nomination.legal_name
    exhibitor = Exhibitor(
        expo=nomination.expo,
        enterprise=nomination.enterprise,
        nomination=nomination,
        trade_body=nomination.trade_body,
        name=name,
        slug=_unique_slug(nomination.expo, name),
        cluster=nomination.cluster,
        city=nomination.city,
        province=nomination.province,
        women_led=nomination.women_led,
        size_class=nomination.size_class,
        stall_size=nomination.requested_stall_size,
        wants_women_pavilion=nomination.wants_women_pavilion,
        description=nomination.description,
        export_experience=nomination.export_experience,
        export_markets=nomination.export_markets,
        website=nomination.website,
        # The contact email is SMEDA's, not the public's: the exhibitor chooses what visitors see.
    )
    _copy_image(nomination, exhibitor, "logo")
    exhibitor.save()
    exhibitor.certifications.set(nomination.certifications.all())
    for product in nomination.products.all():
        copy = ExhibitorProduct(
            exhibitor=exhibitor, name=product.name, description=product.description, hs_code=product.hs_code
        )
        _copy_image(product, copy, "photo")
        copy.save()
    enterprise = nomination.enterprise
    enterprise.women_led, enterprise.size_class, enterprise.cluster = (
        nomination.women_led,
        nomination.size_class,
        nomination.cluster,
    )
    enterprise.save(update_fields=["women_led", "size_class", "cluster"])
    # With a description from the nomination, the new exhibitor is listed at once.
    transaction.on_commit(directory_changed)
    return exhibitor


# --- Exhibitors' own profiles ---------------------------------------------------------------


def directory_changed() -> None:
    """Invalidate every cached directory page."""
    caching.bump(DIRECTORY_VERSION_KEY)


def _offer_changed(exhibitor: Exhibitor) -> None:
    """What the exhibitor offers changed: the directory's pages are renewed and listeners told."""
    transaction.on_commit(directory_changed)
    exhibitor_offer_changed.send(sender=Exhibitor, exhibitor=exhibitor)


def exhibitor_update_profile(*, exhibitor: Exhibitor, data: dict) -> None:
    """Save the public profile: only the fields in ``data``, so that staff's unlisting (or anything else
    changed since the page was loaded) is never written back. Listing follows from the data."""
    with transaction.atomic():
        many_to_many = _assign(exhibitor, data)
        fields = [name for name in data if name not in many_to_many]
        fields += [THUMBNAIL_OF[name] for name in data if name in THUMBNAIL_OF]
        exhibitor.save(update_fields=[*fields, "updated_at"])
        _set_many_to_many(exhibitor, many_to_many)
        exhibitor.refresh_from_db(fields=["listed", "unlisted_at", "unlisted_reason"])
        _offer_changed(exhibitor)


def exhibitor_unlist(*, exhibitor: Exhibitor, reason: str, user: User) -> Exhibitor:
    """Staff take the exhibitor out of the public directory until staff list it again; the reason is kept
    on the exhibitor (its members see it) and in its history."""
    if not reason.strip():
        raise NominationError(_("Give a reason for unlisting the exhibitor."))
    with transaction.atomic():
        exhibitor = Exhibitor.objects.select_for_update().get(pk=exhibitor.pk)
        if exhibitor.unlisted_at is not None:
            raise NominationError(_("%(name)s is already unlisted.") % {"name": exhibitor})
        exhibitor.unlisted_at, exhibitor.unlisted_reason = timezone.now(), reason.strip()
        _save_staff_decision(exhibitor, reason=reason.strip(), user=user)
    return exhibitor


def exhibitor_relist(*, exhibitor: Exhibitor, reason: str, user: User) -> Exhibitor:
    """Staff lift their unlisting; the exhibitor is listed again if its profile has a description."""
    if not reason.strip():
        raise NominationError(_("Give a reason for listing the exhibitor again."))
    with transaction.atomic():
        exhibitor = Exhibitor.objects.select_for_update().get(pk=exhibitor.pk)
        if exhibitor.unlisted_at is None:
            raise NominationError(_("%(name)s was not unlisted by staff.") % {"name": exhibitor})
        exhibitor.unlisted_at, exhibitor.unlisted_reason = None, ""
        _save_staff_decision(exhibitor, reason=reason.strip(), user=user)
    return exhibitor


def _save_staff_decision(exhibitor: Exhibitor, *, reason: str, user: User) -> None:
    # simple-history records who decided and why on the historical row.
    exhibitor._history_user, exhibitor._change_reason = user, reason
    exhibitor.save(update_fields=["unlisted_at", "unlisted_reason", "updated_at"])
    exhibitor.refresh_from_db(fields=["listed"])
    _offer_changed(exhibitor)


def exhibitor_product_save(*, exhibitor: Exhibitor, product: ExhibitorProduct | None, data: dict) -> ExhibitorProduct:
    with transaction.atomic():
        product = product or ExhibitorProduct(exhibitor=exhibitor)
        if product.exhibitor_id != exhibitor.pk:
            raise NominationError(_("This product belongs to another exhibitor."))
        _assign(product, data)
        product.save()
        _offer_changed(exhibitor)
    return product


def exhibitor_product_delete(*, product: ExhibitorProduct) -> None:
    with transaction.atomic():
        _files_delete_on_commit(product, ("photo", "thumbnail"))
        product.delete()
        _offer_changed(product.exhibitor)


def booth_staff_save(*, exhibitor: Exhibitor, person: BoothStaff | None, data: dict) -> BoothStaff:
    """Add or change a booth staff member; the number of people is capped by the stall size."""
    with transaction.atomic():
        exhibitor = Exhibitor.objects.select_for_update().get(pk=exhibitor.pk)
        if person is None:
            if exhibitor.booth_staff.count() >= exhibitor.booth_staff_cap:
                raise NominationError(
                    _("A %(size)s stall has badges for %(cap)d booth staff; remove someone to add another.")
                    % {"size": exhibitor.get_stall_size_display(), "cap": exhibitor.booth_staff_cap}
                )
            person = BoothStaff(exhibitor=exhibitor)
        if (
            BoothStaff.objects.filter(exhibitor=exhibitor, id_number=data.get("id_number"))
            .exclude(pk=person.pk)
            .exists()
        ):
            raise NominationError(_("Someone with this CNIC or passport number is already on your booth staff."))
        _assign(person, data)
        person.save()
    return person


def booth_staff_remove(*, person: BoothStaff) -> None:
    person.delete()
