"""Why an agenda operation was refused, in words a patient or a secretary understands.

Every refusal carries a stable ``code`` (for the dialogue and scripts) and one
French sentence (for people). Raising one of these leaves the agenda untouched:
the unit of work rolls back.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "slot_taken": "Ce créneau vient d'être pris.",
    "outside_hours": "Ce créneau est en dehors des horaires de consultation.",
    "too_soon": "Ce créneau est trop proche : il faut réserver au moins {minutes} minutes à l'avance.",
    "beyond_horizon": "Ce créneau est trop loin : les rendez-vous s'ouvrent {days} jours à l'avance.",
    "in_the_past": "Ce créneau est déjà passé.",
    "too_late_to_cancel": (
        "Il est trop tard pour annuler ou déplacer ce rendez-vous en ligne "
        "(moins de {hours} heures avant) : merci d'appeler le secrétariat."
    ),
    "too_many_appointments": "Vous avez déjà {count} rendez-vous à venir, le maximum autorisé.",
    "unknown_appointment_type": "Ce motif de rendez-vous n'existe pas : {type_id}.",
    "unknown_practitioner": "Ce praticien n'existe pas : {practitioner_id}.",
    "practitioner_not_eligible": "Ce praticien ne prend pas ce type de rendez-vous.",
    "not_bookable_online": "Ce type de rendez-vous se prend auprès du secrétariat.",
    "new_patients_not_accepted": "Ce praticien ne prend pas de nouveaux patients pour ce motif.",
    "appointment_not_found": "Rendez-vous introuvable.",
    "appointment_not_active": "Ce rendez-vous n'est plus actif.",
    "patient_not_found": "Patient introuvable.",
    "invalid_patient": "Informations patient invalides : {detail}.",
    "patient_busy": "Le dossier de ce patient vient d'être modifié : réessayez.",
    "merge_same_patient": "Un patient ne peut pas être fusionné avec lui-même.",
    "merge_birth_dates_differ": (
        "Ces deux patients n'ont pas la même date de naissance : fusion refusée (--force pour fusionner quand même)."
    ),
    "practice_not_loaded": "Aucun cabinet n'est configuré : lancez « assistant init --demo » ou « assistant practice load FICHIER ».",
}

#: Refusals about the chosen time only (taken meanwhile, now too close, outside the hours…): another
#: time fixes them, so the patient is offered other times. Any other refusal needs the secretariat.
TIME_REFUSALS = frozenset({"slot_taken", "outside_hours", "too_soon", "beyond_horizon", "in_the_past"})


class AgendaError(Exception):
    """A refused agenda operation with a stable code and a French sentence.

    Subclasses for other parts of the agenda database (escalations, SMS outbox) only
    bring their own ``messages``; the formatting is this one.
    """

    messages: dict[str, str] = MESSAGES

    def __init__(self, code: str, **details: object) -> None:
        self.code = code
        self.details = details
        template = self.messages.get(code) or MESSAGES.get(code, code)
        try:
            self.message = template.format(**details)
        except (KeyError, IndexError):
            self.message = template
        super().__init__(self.message)
