"""The follow-up sequence every expo starts with: emails at +7, +30, +90 and +180 days, in English and Urdu.

Staff change the days and the texts per expo afterwards (``FollowUpStep`` in the admin); these are only the
first rows, written by the data migration for the expos that existed then, by the demo, and by
``follow_up_steps_seed`` for any expo that has no sequence yet. Kept free of model imports so that the data
migration can use the same texts with its historical model.
"""

DEFAULT_STEPS = [
    (
        7,
        "One week after the expo: how is your contact going?",
        "نمائش کو ایک ہفتہ ہو گیا: آپ کا رابطہ کیسا جا رہا ہے؟",
        "A week ago you met at the expo. Tell us in one click where things stand: an order placed, still talking, "
        "or no deal. Your answer helps SMEDA support the enterprises of the cluster.",
        "ایک ہفتہ پہلے آپ نمائش میں ملے تھے۔ ایک کلک میں بتائیں کہ بات کہاں تک پہنچی: آرڈر ہو گیا، بات چیت جاری ہے، "
        "یا سودا نہیں ہوا۔ آپ کا جواب سمیڈا کو کلسٹر کے کاروباروں کی مدد میں کام آتا ہے۔",
    ),
    (
        30,
        "A month after the expo: any progress?",
        "نمائش کو ایک مہینہ ہو گیا: کوئی پیش رفت؟",
        "It is a month since the expo. Has the contact you made turned into a quote, a sample or an order? "
        "Answer in one click; no sign-in is needed.",
        "نمائش کو ایک مہینہ ہو گیا ہے۔ کیا آپ کا رابطہ کوٹیشن، نمونے یا آرڈر تک پہنچا؟ "
        "ایک کلک میں جواب دیں؛ سائن اِن کی ضرورت نہیں۔",
    ),
    (
        90,
        "Three months after the expo: where do things stand?",
        "نمائش کو تین مہینے ہو گئے: بات کہاں تک پہنچی؟",
        "Three months after the expo, tell us whether the contact led to an order, a subcontract, an investment "
        "or financing, and its value if you know it.",
        "نمائش کے تین مہینے بعد بتائیں کہ کیا رابطے سے آرڈر، ذیلی ٹھیکہ، سرمایہ کاری یا مالی معاونت ملی، "
        "اور اگر معلوم ہو تو اس کی مالیت۔",
    ),
    (
        180,
        "Six months after the expo: the last question",
        "نمائش کو چھ مہینے ہو گئے: آخری سوال",
        "Six months on, this is our last question about the contact you made at the expo: did it bring business? "
        "Thank you for helping SMEDA measure what the expo achieved.",
        "چھ مہینے بعد، نمائش میں بننے والے رابطے کے بارے میں یہ ہمارا آخری سوال ہے: کیا اس سے کاروبار ملا؟ "
        "نمائش کے نتائج جانچنے میں سمیڈا کی مدد کا شکریہ۔",
    ),
]


def seed_steps(step_model, expo_id: int) -> int:
    """Write the default steps an expo lacks (by their day), with ``step_model`` the current or a historical
    ``FollowUpStep``; returns how many were added. Never changes a step staff have edited."""
    existing = set(step_model.objects.filter(expo_id=expo_id).values_list("days_after", flat=True))
    missing = [
        step_model(
            expo_id=expo_id,
            days_after=days,
            subject_en=subject_en,
            subject_ur=subject_ur,
            body_en=body_en,
            body_ur=body_ur,
        )
        for days, subject_en, subject_ur, body_en, body_ur in DEFAULT_STEPS
        if days not in existing
    ]
    step_model.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def follow_up_steps_seed(expo) -> int:
    """Give ``expo`` the default steps it lacks: called by the demo, and by the follow-up run for an expo that
    was created after the data migration. The model is imported here, not above, so that the migration can import
    this module before the app registry is ready."""
    from .models import FollowUpStep

    return seed_steps(FollowUpStep, expo.pk)
