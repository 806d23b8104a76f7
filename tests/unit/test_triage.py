"""French triage: every rule of ``assistant/triage/rules_fr.yml`` is exercised by real utterances.

``RULE_CASES`` holds at least three utterances per rule, written the way patients speak and
the way phone speech-to-text writes them (lowercase, no punctuation, « euh », numbers in
words, chat spelling). Adding a rule to the file without adding its cases here fails
``test_every_rule_has_at_least_three_cases``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.core.text import normalise
from assistant.core.triage import (
    CATEGORIES,
    PatternSyntaxError,
    TriageResult,
    TriageRules,
    TriageRulesError,
    compile_pattern,
    default_rules_path,
    load_triage_rules,
    numbers_for,
    parse_triage_rules,
    triage,
)

RULES_FILE = Path(__file__).resolve().parents[2] / "assistant" / "triage" / "rules_fr.yml"


@pytest.fixture(scope="module")
def rules() -> TriageRules:
    return load_triage_rules()


# (expected rule id, utterance)
RULE_CASES: list[tuple[str, str]] = [
    # --- suicide
    ("idees-suicidaires", "je pense à me suicider depuis quelques jours"),
    ("idees-suicidaires", "euh j'ai plus envie de vivre du tout"),
    ("idees-suicidaires", "j ai envie d en finir"),
    # typed in a chat (chat QA, 2026-12-05): contractions spelled out before the rules read them
    ("idees-suicidaires", "jveux plus vivre jen peux plus"),
    ("idees-suicidaires", "jai envie den finir"),
    ("idees-suicidaires", "jvais me foutre en lair"),
    ("idees-suicidaires", "jsuis a bout jveux disparaitre"),
    ("idees-suicidaires", "jen peux plus de la vie"),
    ("idees-suicidaires", "je vais me foutre en l'air"),
    ("idees-suicidaires", "je veux mettre fin à mes jours"),
    ("idees-suicidaires", "mon fils dit qu il va se tuer"),
    ("idees-suicidaires", "jai des idees noires tout le temps"),
    ("idees-suicidaires", "je voudrais mourir"),
    # seen on the demo (2026-12-05): these three got the 15 or "pas compris", never the 3114
    ("idees-suicidaires", "je pense à mourir"),
    ("idees-suicidaires", "je veux plus me réveiller"),
    ("idees-suicidaires", "tout le monde serait mieux sans moi"),
    # QA 2026-12-07 (chat and phone): no 3114, no 15, and booked « pour Martin Jveux Crever »
    ("idees-suicidaires-crever", "je veux crever"),
    ("idees-suicidaires-crever", "jveux crever"),
    ("idees-suicidaires-crever", "jpp jveux crever"),
    ("idees-suicidaires-crever", "j'en peux plus je veux crever"),
    ("idees-suicidaires-crever", "laissez moi crever"),
    # --- emergencies
    ("douleur-thoracique", "j'ai très mal à la poitrine"),
    ("douleur-thoracique", "euh mon mari a une douleur dans la poitrine qui serre"),
    ("douleur-thoracique", "ça me serre fort dans la poitrine depuis ce matin"),
    ("douleur-thoracique", "je crois que je fais une crise cardiaque"),
    ("douleur-thoracique", "douleur thoracique depuis une heure"),
    ("douleur-thoracique", "jai comme un poids sur la poitrine"),
    ("avc-nomme", "je crois que mon père fait un avc"),
    ("avc-nomme", "euh c'est pour ma mère elle fait un avc je crois"),
    ("avc-nomme", "avc"),
    ("signes-avc", "ma mère a la bouche de travers et elle parle bizarrement"),
    ("signes-avc", "il arrive plus à parler d un coup"),
    ("signes-avc", "elle a le bras droit engourdi d'un coup"),
    ("signes-avc", "mon mari a la moitié du visage qui tombe"),
    ("signes-avc", "il peut plus lever le bras gauche"),
    # seen on the demo: sudden confused speech was read as a complaint ("n'importe quoi")
    ("signes-avc", "bonjour c est pour mon pere il parle n importe quoi depuis ce matin"),
    ("detresse-respiratoire", "mon fils respire très mal"),
    ("detresse-respiratoire", "j'ai du mal à respirer"),
    ("detresse-respiratoire", "euh ma fille arrive pas à respirer"),
    ("detresse-respiratoire", "je fais une crise d'asthme et ça passe pas"),
    ("detresse-respiratoire", "il s étouffe avec un morceau de pomme"),
    ("detresse-respiratoire", "ses lèvres sont toutes bleues"),
    ("arret-respiratoire", "mon bébé respire plus"),
    ("arret-respiratoire", "il ne respire plus du tout venez vite"),
    ("arret-respiratoire", "ma fille s'arrête de respirer par moments"),
    ("arret-respiratoire", "il fait des pauses respiratoires"),
    ("perte-de-connaissance", "mon père a perdu connaissance"),
    ("perte-de-connaissance", "ma femme s'est évanouie dans la cuisine"),
    ("perte-de-connaissance", "elle répond plus quand je lui parle"),
    ("perte-de-connaissance", "mon fils fait des convulsions"),
    ("perte-de-connaissance", "il est tombé dans les pommes et il se réveille pas"),
    ("perte-de-connaissance", "mon mari a fait un malaise"),
    ("hemorragie", "je saigne beaucoup j arrive pas à arrêter ça"),
    ("hemorragie", "il y a plein de sang partout"),
    ("hemorragie", "ma mère vomit du sang"),
    ("hemorragie", "mon fils s'est fait une coupure profonde à la main"),
    ("hemorragie", "hémorragie"),
    ("hemorragie", "ça arrête pas de saigner depuis une heure"),
    ("allergie-grave", "ma fille a la langue qui gonfle après avoir mangé des noix"),
    ("allergie-grave", "choc anaphylactique je crois"),
    ("allergie-grave", "il est allergique aux crevettes et là il respire mal"),
    ("allergie-grave", "j'ai la gorge qui se ferme"),
    ("allergie-grave", "ses lèvres gonflent depuis le médicament"),
    ("brulure-grave", "je me suis brûlée avec de l'eau bouillante"),
    ("brulure-grave", "mon fils s'est brûlé gravement à la main"),
    ("brulure-grave", "une grosse brûlure sur tout le bras"),
    ("brulure-grave", "brulure au deuxième degré sur la jambe"),
    ("intoxication", "mon fils a avalé des cachets de sa grand-mère"),
    ("intoxication", "euh ma fille de deux ans a bu du produit ménager"),
    ("intoxication", "j'ai pris trop de médicaments"),
    # QA 2026-12-07: both went on with « C'est à quel nom ? » and one was booked
    ("intoxication", "jai pris 30 cachets de lexomil"),
    ("intoxication", "jai pris 20 doliprane"),
    ("intoxication", "elle a avalé vingt comprimés de xanax"),
    ("intoxication", "je crois qu'il a fait une overdose"),
    ("intoxication", "elle a pris toute sa boite de somniferes"),
    ("intoxication", "jai pris des cachets pr mourir"),
    ("intoxication", "on a tous la tête qui tourne je crois que c'est le monoxyde de carbone"),
    ("intoxication", "elle a pris toute la boîte de doliprane"),
    ("traumatisme-grave", "je viens d'avoir un accident de scooter"),
    ("traumatisme-grave", "mon fils est tombé du toit"),
    ("traumatisme-grave", "il s'est fait renverser par une voiture"),
    ("traumatisme-grave", "l'os dépasse de son bras"),
    ("traumatisme-grave", "mordu par un chien à la jambe"),
    ("traumatisme-cranien-grave", "mon fils s'est cogné la tête et depuis il vomit"),
    ("traumatisme-cranien-grave", "ma fille est tombée sur la tête elle est bizarre depuis"),
    ("traumatisme-cranien-grave", "il a pris un choc à la tête il est tout endormi"),
    ("cephalee-brutale", "j'ai un mal de tête atroce qui est venu d'un coup"),
    ("cephalee-brutale", "violent mal de tête d'un coup"),
    ("cephalee-brutale", "une migraine horrible comme jamais"),
    ("cephalee-brutale", "j ai mal à la tête brutalement très fort"),
    ("meningite-purpura", "il a de la fièvre et la nuque raide"),
    ("meningite-purpura", "quarante de fièvre et des taches violettes sur le ventre"),
    ("meningite-purpura", "mon fils a trente neuf cinq et la lumière lui fait mal aux yeux"),
    ("meningite-purpura", "je crois que c'est une méningite"),
    ("nourrisson-fievre", "mon bébé de deux mois a de la fièvre"),
    ("nourrisson-fievre", "euh ma fille a six semaines et elle a trente huit cinq"),
    ("nourrisson-fievre", "nourrisson de 3 semaines avec 38 de fievre"),
    ("nourrisson-fievre", "mon fils de dix jours est brûlant"),
    ("nourrisson-fievre", "le nouveau-né a de la température"),
    ("nourrisson-signes-alerte", "mon bébé de un mois refuse le biberon depuis ce matin"),
    ("nourrisson-signes-alerte", "ma fille de 5 semaines est toute molle"),
    ("nourrisson-signes-alerte", "nourrisson de deux mois qui respire vite"),
    ("nourrisson-signes-alerte", "mon nouveau né ne boit plus"),
    ("grossesse-alerte", "je suis enceinte de six mois et je saigne"),
    ("grossesse-alerte", "je perds les eaux"),
    ("grossesse-alerte", "enceinte de 7 mois jai des contractions"),
    ("grossesse-alerte", "je suis enceinte et j'ai très mal au ventre"),
    ("grossesse-alerte", "ma femme est enceinte elle a fait une chute"),
    ("grossesse-alerte", "je suis enceinte de cinq mois et je perds beaucoup de sang"),
    ("chute-personne-agee", "ma mère de 85 ans est tombée"),
    ("chute-personne-agee", "mon grand-père a fait une chute dans le jardin"),
    ("chute-personne-agee", "une personne âgée est tombée devant chez moi"),
    ("chute-personne-agee", "mon père a quatre vingt douze ans il est par terre"),
    ("chute-personne-agee", "ma mamie a glissé dans la salle de bain"),
    ("violence", "mon mari me frappe"),
    ("violence", "je me suis fait agresser dans la rue"),
    ("violence", "il menace de me tuer"),
    ("violence", "ma voisine est battue par son compagnon"),
    ("appel-au-secours", "au secours venez vite"),
    ("appel-au-secours", "appelez une ambulance"),
    ("appel-au-secours", "il faut appeler le samu"),
    ("appel-au-secours", "à l'aide s'il vous plaît"),
    ("ventre-dur", "j'ai le ventre tout dur et très mal"),
    ("ventre-dur", "je crois que c'est l'appendicite"),
    ("ventre-dur", "mon fils a le ventre dur comme du bois"),
    # --- urgent: a person today
    ("mention-urgence", "c'est urgent"),
    ("mention-urgence", "bonjour c'est une urgence"),
    ("mention-urgence", "j'ai besoin d'un rendez-vous en urgence"),
    ("mention-urgence", "c est tres urgent s il vous plait"),
    ("douleur-intense", "j'ai une douleur insupportable au dos"),
    ("douleur-intense", "j'ai trop mal au genou"),
    ("douleur-intense", "mal de dent atroce depuis hier soir"),
    ("douleur-intense", "j'ai très mal au ventre"),
    ("se-sent-tres-mal", "je me sens très mal"),
    ("se-sent-tres-mal", "euh ma mère se sent pas bien du tout depuis ce matin"),
    ("se-sent-tres-mal", "jme sens vraiment mal"),
    ("fievre-elevee", "j'ai quarante de fièvre"),
    ("fievre-elevee", "forte fièvre depuis hier"),
    ("fievre-elevee", "la fièvre ne baisse pas malgré le doliprane"),
    ("fievre-elevee", "j'ai 39 depuis quatre jours"),
    ("fievre-elevee", "mon mari a 40 de fievre"),
    ("bebe-fievre", "mon bébé a de la fièvre"),
    ("bebe-fievre", "bb 38,5 depuis ce matin"),
    ("bebe-fievre", "mon bebe est brulant"),
    ("coup-a-la-tete", "mon fils s'est cogné la tête contre la table"),
    ("coup-a-la-tete", "ma fille est tombée sur la tête"),
    ("coup-a-la-tete", "il a pris un coup à la tête au foot"),
    ("aggravation", "ma toux s'aggrave"),
    ("aggravation", "ça empire depuis hier"),
    ("aggravation", "c'est de pire en pire"),
    ("aggravation", "ça va pas mieux depuis la consultation"),
    ("besoin-medecin-aujourd-hui", "j'ai besoin de voir un médecin aujourd'hui"),
    ("besoin-medecin-aujourd-hui", "il faut absolument que je voie un docteur aujourd hui"),
    ("besoin-medecin-aujourd-hui", "je dois consulter aujourd'hui c'est important"),
    ("besoin-medecin-aujourd-hui", "il me faut voir quelqu'un tout de suite"),
    ("detresse-psychique", "je fais des crises d'angoisse"),
    ("detresse-psychique", "j'en peux plus je suis à bout"),
    ("detresse-psychique", "je suis en pleine dépression"),
    ("detresse-psychique", "je suis désespérée"),
    ("palpitations", "j'ai des palpitations"),
    ("palpitations", "mon coeur bat très vite"),
    ("palpitations", "j'ai le cœur qui s'emballe"),
    # --- sensitive: to the secretariat, no medical advice
    ("resultats", "je voudrais les résultats de ma prise de sang"),
    ("resultats", "mes analyses sont revenues"),
    ("resultats", "vous avez eu le retour de mon irm"),
    ("resultats", "le labo vous a envoyé mes analyses"),
    ("question-traitement", "est-ce que je peux prendre du doliprane avec mon traitement"),
    ("question-traitement", "quelle est la posologie de l'amoxicilline"),
    ("question-traitement", "j'ai oublié ma pilule hier"),
    ("question-traitement", "combien de comprimés je dois prendre"),
    ("question-traitement", "c'est quoi les effets secondaires de ce médicament"),
    ("question-medicale", "j'ai des rougeurs c'est grave"),
    ("question-medicale", "est-ce normal d'avoir mal après une piqûre"),
    ("question-medicale", "je suis inquiète pour ma toux"),
    ("question-medicale", "c'est contagieux la gastro"),
    ("reclamation", "je veux porter plainte"),
    ("reclamation", "c'est scandaleux"),
    ("reclamation", "je suis pas content du tout de l'accueil"),
    ("reclamation", "c'est inadmissible d'attendre autant"),
    ("dossier-medical", "je voudrais une copie de mon dossier médical"),
    ("dossier-medical", "pouvez-vous transmettre mon dossier à mon nouveau médecin"),
    ("dossier-medical", "j'ai besoin du compte rendu de mon opération"),
    ("arret-travail-certificat", "j'ai besoin d'un arrêt de travail"),
    ("arret-travail-certificat", "il me faudrait un certificat pour justifier mon absence"),
    ("arret-travail-certificat", "c'est pour un arrêt maladie"),
    ("arret-travail-certificat", "un certificat pour mon employeur"),
]

# Routine bookings, information and practical questions: no escalation.
ROUTINE = [
    "je voudrais un rdv pour une prise de sang",
    "bonjour c'est pour un renouvellement d'ordonnance",
    "vous êtes ouverts samedi",
    "c'est combien la consultation",
    "je voudrais un vaccin contre la grippe",
    "un certificat de sport pour mon fils",
    "je voudrais prendre rendez-vous",
    "est-ce que je peux prendre rendez-vous demain matin",
    "rdv le 15 à 10h",
    "euh je voudrais voir un médecin aujourd'hui si c'est possible",
    "rendez-vous pour les vaccins de mon bébé de deux mois",
    "je suis enceinte de quatre mois je voudrais un rendez-vous de suivi de grossesse",
    "je suis enceinte et je dois faire une prise de sang",
    "j'ai 40 ans je voudrais faire un bilan",
    "mon mari a de la fièvre depuis trois jours je voudrais un rendez-vous",
    "mon grand-père voudrait un rendez-vous pour son vaccin",
    "c'est pas urgent je voudrais un rendez-vous la semaine prochaine",
    "quel numéro appeler en cas d'urgence le week-end",
    "le numéro européen d'urgence c'est lequel",
    "je voudrais annuler mon rendez-vous de jeudi",
    "le cabinet ferme à quelle heure",
    "c'est pour une séance de kiné après mon entorse",
    "ça tombe bien ma grand-mère est disponible jeudi",
    "je voudrais un rendez-vous pour renouveler ma pilule",
    "j'ai mal à la gorge et le nez bouché je voudrais un rendez-vous",
    "j ai une angine j ai du mal à avaler",
    "ma mère voudrait un rdv avec le kiné",
    "je suis déjà patiente j'ai mon dossier chez vous",
    "zéro six quarante douze trente-quatre cinquante-six",
    "je suis née le quinze mars mille neuf cent quatre-vingt",
    # « crever » in its everyday senses, and a normal dose (2026-12-07 rules)
    "je crève de faim on peut décaler à midi",
    "j'ai un pneu crevé je vais être en retard",
    "on crève de chaud dans la salle d'attente",
    "j'ai pris 2 doliprane ce matin pour la fièvre",
    "il a pris un cachet de doliprane",
]


@pytest.mark.parametrize(("rule_id", "utterance"), RULE_CASES, ids=[f"{r}:{u[:40]}" for r, u in RULE_CASES])
def test_each_rule_recognises_its_utterances(rules: TriageRules, rule_id: str, utterance: str) -> None:
    result = triage(utterance, rules)
    assert rule_id in result.matched_rules, (utterance, result)
    assert result.category == max(
        (rules.rule(matched).category for matched in result.matched_rules), key=CATEGORIES[::-1].index
    )


def test_every_rule_has_at_least_three_cases(rules: TriageRules) -> None:
    counts = Counter(rule_id for rule_id, _ in RULE_CASES)
    missing = [rule_id for rule_id in rules.rule_ids if counts[rule_id] < 3]
    assert not missing, f"règles sans au moins trois exemples dans RULE_CASES : {missing}"
    unknown = set(counts) - set(rules.rule_ids)
    assert not unknown, f"exemples pour des règles absentes du fichier : {unknown}"


@pytest.mark.parametrize("utterance", ROUTINE)
def test_routine_requests_are_not_escalated(rules: TriageRules, utterance: str) -> None:
    result = triage(utterance, rules)
    assert result == TriageResult(category="none", urgency="none"), utterance


# --- categories, urgency, numbers, reasons ---------------------------------------------------


def test_an_emergency_gives_the_samu_the_european_number_and_the_sms_number(rules: TriageRules) -> None:
    result = triage("j'ai une grosse douleur dans la poitrine et j'ai du mal à respirer", rules)
    assert result.category == "emergency" and result.urgency == "immediate" and result.is_emergency
    assert result.numbers == ("15", "112", "114")
    assert result.matched_rules == ("douleur-thoracique", "detresse-respiratoire")
    assert result.reasons == ("Douleur ou oppression dans la poitrine", "Difficulté à respirer ou étouffement")


def test_suicide_comes_first_and_an_ingestion_puts_the_samu_first(rules: TriageRules) -> None:
    result = triage("je veux en finir j'ai avalé toutes mes pilules", rules)
    assert result.category == "suicide" and result.urgency == "immediate" and result.is_emergency
    assert result.numbers == ("15", "3114", "112")
    assert result.matched_rules[0] == "idees-suicidaires" and "intoxication" in result.matched_rules
    assert result.reasons[0] == "Idées suicidaires ou risque de passage à l'acte"


def test_urgent_and_sensitive_give_no_number(rules: TriageRules) -> None:
    urgent = triage("c'est urgent", rules)
    assert (urgent.category, urgent.urgency, urgent.numbers, urgent.is_emergency) == ("urgent", "urgent", (), False)
    sensitive = triage("bonjour je voudrais avoir les résultats de ma prise de sang", rules)
    assert (sensitive.category, sensitive.urgency, sensitive.numbers) == ("sensitive", "routine", ())
    assert sensitive.reasons == ("Résultats d'examen",)


def test_a_negation_still_escalates_recall_first(rules: TriageRules) -> None:
    assert triage("je n'ai pas mal à la poitrine", rules).category == "emergency"


@pytest.mark.parametrize(
    "text", ["jveux prendre rdv avc le dr lefebvre", "rdv avc docteur benali svp", "un rdv avc l infirmiere"]
)
def test_avc_written_for_avec_in_a_text_message_is_not_an_emergency(rules: TriageRules, text: str) -> None:
    """Seen on the demo: "jveux prendre rdv avc le dr lefebvre" got the 15."""
    assert triage(text, rules).category == "none"


def test_the_signs_of_a_stroke_still_count_beside_avec_written_avc(rules: TriageRules) -> None:
    result = triage("rdv avc le dr il a la bouche de travers depuis ce matin", rules)
    assert result.category == "emergency" and "signes-avc" in result.matched_rules


def test_a_booking_with_a_red_flag_is_an_emergency(rules: TriageRules) -> None:
    result = triage("je voudrais un rendez-vous demain j'ai très mal à la poitrine", rules)
    assert result.category == "emergency" and "douleur-thoracique" in result.matched_rules


def test_a_threat_from_someone_else_is_violence_not_suicide(rules: TriageRules) -> None:
    for utterance in ("il menace de me tuer", "mon ex veut me tuer"):
        result = triage(utterance, rules)
        assert result.category == "emergency" and "idees-suicidaires" not in result.matched_rules, utterance


def test_fear_of_dying_during_chest_pain_is_not_a_suicide_risk(rules: TriageRules) -> None:
    result = triage("j'ai l'impression que je vais mourir tellement j'ai mal à la poitrine", rules)
    assert result.category == "emergency" and result.numbers == ("15", "112", "114")


def test_the_age_of_a_baby_decides_between_emergency_and_urgent(rules: TriageRules) -> None:
    assert triage("mon bébé de deux mois a de la fièvre", rules).category == "emergency"
    assert triage("mon bébé de dix-huit mois a de la fièvre", rules).category == "urgent"
    assert triage("mon bébé a de la fièvre", rules).category == "urgent"
    # the elided "d'un mois" of speech ("d un mois" once normalised); seen on the demo as a booking
    assert triage("ma fille d un mois et demi a trente huit", rules).category == "emergency"
    assert triage("mon bébé d'un mois a de la fièvre", rules).category == "emergency"


def test_an_unless_pattern_only_cancels_its_own_rule(rules: TriageRules) -> None:
    assert triage("ce n'est pas urgent", rules).category == "none"
    result = triage("ce n'est pas urgent mais j'ai mal à la poitrine", rules)
    assert result.category == "emergency" and "mention-urgence" not in result.matched_rules


def test_filler_words_and_chat_spelling_do_not_hide_a_red_flag(rules: TriageRules) -> None:
    assert triage("euh mon mari il a euh perdu euh connaissance", rules).category == "emergency"
    assert triage("J’AI TRÈS MAL À LA POITRINE !!!", rules).category == "emergency"


def test_empty_text_is_none(rules: TriageRules) -> None:
    assert triage("", rules).category == "none"
    assert triage("euh", rules).category == "none"


def test_numbers_for_each_category_and_practice_overrides() -> None:
    assert numbers_for("emergency") == ("15", "112", "114")
    assert numbers_for("suicide") == ("3114", "15")
    assert numbers_for("urgent") == numbers_for("sensitive") == numbers_for("none") == ()
    assert numbers_for("emergency", samu="0320000000") == ("0320000000", "112", "114")
    assert numbers_for("suicide", samu="15", suicide_prevention="3114") == ("3114", "15")
    with pytest.raises(ValueError):
        numbers_for("critical")


def test_the_rule_file_numbers_are_used(tmp_path: Path) -> None:
    text = MINIMAL.replace('samu: "15"', 'samu: "0320000000"')
    result = triage("douleur poitrine", parse_triage_rules(text))
    assert result.numbers == ("0320000000", "112", "114")


# --- combination with the NLU's intent --------------------------------------------------------


def test_the_emergency_intent_alone_raises_an_emergency(rules: TriageRules) -> None:
    result = triage("je sais pas trop comment dire", rules, "emergency", 0.35)
    assert result.category == "emergency" and result.urgency == "immediate"
    assert result.numbers == ("15", "112", "114")
    assert result.reasons == ("Urgence détectée par la compréhension du message",)
    assert result.matched_rules == ()


def test_the_emergency_intent_below_its_threshold_is_ignored(rules: TriageRules) -> None:
    assert triage("je sais pas trop comment dire", rules, "emergency", 0.29).category == "none"


@pytest.mark.parametrize(
    ("intent", "reason"),
    [
        ("medical_question", "Question médicale"),
        ("ask_results", "Demande de résultats d'examen"),
        ("complaint", "Réclamation"),
        ("request_records", "Demande de dossier ou de document médical"),
    ],
)
def test_sensitive_intents_raise_to_sensitive(rules: TriageRules, intent: str, reason: str) -> None:
    result = triage("c'est au sujet de ma mère", rules, intent, 0.8)
    assert (result.category, result.urgency, result.reasons) == ("sensitive", "routine", (reason,))
    assert triage("c'est au sujet de ma mère", rules, intent, 0.2).category == "none"


def test_the_intent_never_lowers_a_rule(rules: TriageRules) -> None:
    result = triage("j'ai très mal à la poitrine", rules, "book_appointment", 0.99)
    assert result.category == "emergency" and result.reasons[0] == "Douleur ou oppression dans la poitrine"
    assert "Urgence détectée par la compréhension du message" not in result.reasons
    assert triage("je veux me suicider", rules, "emergency", 0.99).category == "suicide"
    urgent = triage("ça empire depuis hier", rules, "medical_question", 0.9)
    assert urgent.category == "urgent" and urgent.reasons == ("Symptômes qui s'aggravent",)


def test_the_emergency_intent_comes_first_when_it_raises_the_level(rules: TriageRules) -> None:
    result = triage("je voudrais les résultats", rules, "emergency", 0.5)
    assert result.category == "emergency"
    assert result.reasons == ("Urgence détectée par la compréhension du message", "Résultats d'examen")
    assert result.matched_rules == ("resultats",)


def test_unknown_or_missing_intents_change_nothing(rules: TriageRules) -> None:
    assert triage("bonjour", rules, None, 1.0).category == "none"
    assert triage("bonjour", rules, "greet", 1.0).category == "none"


# --- the pattern syntax ---------------------------------------------------------------------


def test_words_follow_in_order_with_a_few_words_between() -> None:
    pattern = compile_pattern("douleur poitrine", max_gap=4)
    assert pattern.search("douleur poitrine")
    assert pattern.search("une douleur tres forte dans la poitrine")  # 4 words between
    assert not pattern.search("douleur tres tres forte dans la poitrine")  # 5 words between
    assert not pattern.search("poitrine douleur")
    assert not pattern.search("douleurs poitrine")  # whole words only without *


def test_star_question_mark_alternatives_parentheses_and_ellipsis() -> None:
    assert compile_pattern("douleur*").search("des douleurs")
    assert compile_pattern("fi*vre").search("fivre") and compile_pattern("fi*vre").search("fievre")
    age = compile_pattern("(7?|8? ans)")
    assert age.search("il a 75 ans") and age.search("82 ans")
    assert not age.search("7 ans") and not age.search("750 ans") and not age.search("7a ans")
    assert compile_pattern("mal|douleur* ventre").search("mal au ventre")
    exact = compile_pattern("(prise de sang)")
    assert exact.search("une prise de sang") and not exact.search("prise rapide de sang")
    group = compile_pattern("(crise cardiaque)|infarctus")
    assert group.search("un infarctus") and group.search("une crise cardiaque")
    far = compile_pattern("allergi* ... respire*")
    assert far.search("il est allergique aux oeufs il en a mange et maintenant il respire mal")
    assert not far.search("il respire mal il est allergique")


def test_patterns_are_normalised_like_messages() -> None:
    assert compile_pattern("fièvre").search(normalise("Fièvre"))
    assert compile_pattern("d'en finir").search(normalise("envie d’en finir"))
    assert compile_pattern("nouveau-né|nourrisson").search(normalise("un nouveau-né"))
    assert compile_pattern("cœur").search(normalise("mon cœur"))


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("(crise cardiaque", "non fermée"),
        ("crise cardiaque)", "sans parenthèse ouvrante"),
        ("mal | douleur", "« | »"),
        ("mal| douleur", "« | »"),
        ("... poitrine", "commencer"),
        ("poitrine ...", "finir"),
        ("mal ... ... poitrine", "deux fois"),
        ("douleur...poitrine", "espaces"),
        ("mal * poitrine", "« * » seul"),
        ("mal|... poitrine", "mal placé"),
        ("!!!", "aucune lettre"),
        ("()", "groupe vide"),
        ("   ", "motif vide"),
        ("euh poitrine", "mots ignorés"),
    ],
)
def test_pattern_mistakes_are_explained(source: str, fragment: str) -> None:
    with pytest.raises(PatternSyntaxError) as caught:
        compile_pattern(source, ignore_words={"euh"})
    assert fragment in str(caught.value)


# --- the rule file ----------------------------------------------------------------------------


def test_the_packaged_file_is_versioned_and_loads_by_default(rules: TriageRules) -> None:
    raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    assert isinstance(raw["version"], int) and raw["version"] >= 1
    assert rules.version == raw["version"] and rules.language == "fr"
    assert rules.updated == date(2026, 12, 7)
    assert default_rules_path() == RULES_FILE
    assert Path(rules.source) == RULES_FILE
    assert len(rules.rules) >= 30
    assert {rule.category for rule in rules.rules} == set(CATEGORIES)
    emergency_intent = rules.intent("emergency")
    assert emergency_intent is not None and emergency_intent.category == "emergency"
    assert emergency_intent.threshold <= 0.3  # low on purpose: recall first


def test_every_rule_is_documented_for_the_secretary(rules: TriageRules) -> None:
    for rule in rules.rules:
        assert rule.reason and rule.reason[0].isupper(), rule.id
        assert rule.patterns or rule.all_of, rule.id


MINIMAL = """\
version: 1
updated: 2026-11-23
language: fr
numbers:
  samu: "15"
intents:
  emergency: {category: emergency, threshold: 0.3, reason: Urgence}
rules:
  - id: douleur-thoracique
    category: emergency
    reason: Douleur thoracique
    patterns:
      - douleur poitrine
  - id: resultats
    category: sensitive
    reason: Résultats
    patterns:
      - resultat*
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regles.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(TriageRulesError) as caught:
        load_triage_rules(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    loaded = load_triage_rules(_write(tmp_path, MINIMAL))
    assert loaded.rule_ids == ("douleur-thoracique", "resultats")
    assert triage("une douleur dans la poitrine", loaded).category == "emergency"


def test_an_unknown_category_names_the_file_the_rule_and_the_field(tmp_path: Path) -> None:
    message = _error(tmp_path, MINIMAL.replace("category: sensitive", "category: sensible"))
    assert "rules[1] (resultats).category" in message and "sensible" in message and "ligne 15" in message


def test_a_sensitive_rule_may_name_its_intent_and_a_bad_name_is_located(tmp_path: Path) -> None:
    named = MINIMAL.replace("    reason: Résultats\n", "    reason: Résultats\n    intent: ask_results\n")
    assert load_triage_rules(_write(tmp_path, named)).rule("resultats").intent == "ask_results"
    message = _error(tmp_path, named.replace("intent: ask_results", "intent: Ask-Results"))
    assert "rules[1] (resultats).intent" in message and "ligne 17" in message and "Ask-Results" in message


def test_every_sensitive_rule_of_the_packaged_file_names_an_intent_the_nlu_knows(rules: TriageRules) -> None:
    intents = yaml.safe_load((RULES_FILE.parents[2] / "domain.yml").read_text(encoding="utf-8"))["intents"]
    for rule in rules.rules:
        if rule.category == "sensitive":
            assert rule.intent in intents, rule.id


def test_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, MINIMAL.replace("id: resultats", "id: douleur-thoracique"))
    assert "rules[1] (douleur-thoracique).id" in message and "rules[0]" in message


def test_missing_patterns_are_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace("    patterns:\n      - resultat*\n", "")
    message = _error(tmp_path, text)
    assert "rules[1] (resultats).patterns" in message and "absent" in message


def test_empty_patterns_are_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, MINIMAL.replace("    patterns:\n      - resultat*\n", "    patterns: []\n"))
    assert "rules[1] (resultats).patterns" in message and "vide" in message


def test_a_bad_pattern_is_located(tmp_path: Path) -> None:
    message = _error(tmp_path, MINIMAL.replace("- douleur poitrine", "- (douleur poitrine"))
    assert "ligne 13" in message and "rules[0] (douleur-thoracique).patterns[0]" in message
    assert "(douleur poitrine" in message and "non fermée" in message


def test_unknown_fields_and_bad_header_values_are_all_reported_at_once(tmp_path: Path) -> None:
    text = MINIMAL.replace("version: 1", "version: un").replace("    reason: Résultats\n", "    raison: Résultats\n")
    message = _error(tmp_path, text)
    assert "version" in message and "« un »" in message
    assert "rules[1] (resultats).raison" in message and "reason" in message


def test_an_all_of_needs_two_groups(tmp_path: Path) -> None:
    text = MINIMAL.replace("    patterns:\n      - resultat*\n", "    all_of:\n      - - resultat*\n")
    assert "au moins deux groupes" in _error(tmp_path, text)


def test_a_missing_version_is_refused(tmp_path: Path) -> None:
    assert "version : champ obligatoire absent" in _error(tmp_path, MINIMAL.replace("version: 1\n", ""))


def test_unreadable_yaml_and_missing_files_are_reported(tmp_path: Path) -> None:
    assert "YAML illisible" in _error(tmp_path, MINIMAL + "  - *inconnu\n")
    with pytest.raises(TriageRulesError) as caught:
        load_triage_rules(tmp_path / "absent.yml")
    assert "absent.yml" in str(caught.value)


def test_all_of_and_unless_behave_as_documented(tmp_path: Path) -> None:
    text = MINIMAL + (
        "  - id: nourrisson-fievre\n"
        "    category: emergency\n"
        "    reason: Fièvre du nourrisson\n"
        "    all_of:\n"
        "      - - nourrisson\n"
        "      - - fievre\n"
        "    unless:\n"
        "      - vaccin\n"
    )
    loaded = parse_triage_rules(text)
    assert triage("mon nourrisson a de la fievre", loaded).matched_rules == ("nourrisson-fievre",)
    assert triage("mon nourrisson", loaded).category == "none"
    assert triage("de la fievre", loaded).category == "none"
    assert triage("mon nourrisson a de la fievre apres son vaccin", loaded).category == "none"


def test_reasons_are_not_repeated(tmp_path: Path) -> None:
    text = MINIMAL.replace("reason: Résultats", "reason: Douleur thoracique").replace("resultat*", "poitrine")
    loaded = parse_triage_rules(text)
    result = triage("douleur poitrine", loaded)
    assert result.matched_rules == ("douleur-thoracique", "resultats")
    assert result.reasons == ("Douleur thoracique",)


def test_a_suicide_attempt_in_progress_gives_the_samu_first(rules: TriageRules) -> None:
    result = triage("j'ai avalé tous mes cachets pour en finir", rules)
    assert result.category == "suicide"
    assert result.numbers[:2] == ("15", "3114")
    thoughts = triage("j'ai envie d'en finir", rules)
    assert thoughts.numbers[0] == "3114"
