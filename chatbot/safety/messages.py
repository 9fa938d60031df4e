"""Every safety-relevant sentence the assistant can say, as named constants, reviewed in one place.

Sources: 988 Suicide & Crisis Lifeline (call or text 988; Spanish: press 2; veterans: press 1),
Crisis Text Line (text HOME to 741741), Poison Control (1-800-222-1222), SAMHSA / AFSP
safe-messaging guidelines (no method details, no shaming, hope and help-seeking, means safety),
California AB 3030 (disclose automation and how to reach a human) and AB 489 (no persona that
implies a licensed clinician: the assistant is never "Dr." anyone).
"""

from __future__ import annotations

CLINIC_NAME = "Soft Reboot Wellness"
CLINIC_PHONE = "650-419-3330"
CLINIC_EMAIL = "hello@softrebootwellness.com"
CLINIC_CONTACT = f"call {CLINIC_PHONE} or email {CLINIC_EMAIL}"

# --- The envelope: on every reply of every route, on every surface --------------------------------
MEDICAL_DISCLAIMER = (
    "This is educational information from the clinic's articles, not medical advice. Talk with a licensed provider about your own care; results vary."
)
AI_DISCLOSURE = f"You are chatting with an automated assistant, not a clinician. To reach a person at {CLINIC_NAME}, {CLINIC_CONTACT}."
STANDING_CRISIS_LINE = "If you are in crisis, call or text 988 (Suicide & Crisis Lifeline), or call 911."
DISCLAIMER = f"{MEDICAL_DISCLAIMER} {AI_DISCLOSURE} {STANDING_CRISIS_LINE}"

# --- Crisis card: first, before anything else ------------------------------------------------------
CRISIS_CARD_TITLE = "You're not alone, and help is available right now."
CRISIS_CARD_LINES = (
    "Call or text 988 to reach the Suicide & Crisis Lifeline: free, confidential, 24/7 (Spanish: press 2; veterans: press 1).",
    "If you or someone else is in immediate danger, call 911 or go to the nearest emergency room.",
    "Text HOME to 741741 to reach the Crisis Text Line.",
)
CRISIS_CARD_CARE = (
    "What you're feeling matters, and reaching out was the right thing to do. "
    "Many people who have felt this way found that it eased with support: help works. "
    "If you can, contact someone near you, a friend, family member or neighbor, and let them know how you're doing. "
    "If there's anything around you that you could use to hurt yourself, please put some distance between you and it, "
    "or ask someone to hold on to it for now. "
    "If you're worried about someone else, 988 can also help you support them."
)
CRISIS_CARD_NOT_EMERGENCY = (
    "This chat is an automated assistant, not an emergency service, so please reach one of the lines above now. I'm still here if you want to keep talking."
)
CRISIS_CARD = "\n".join([CRISIS_CARD_TITLE, *(f"- {line}" for line in CRISIS_CARD_LINES), "", CRISIS_CARD_CARE, "", CRISIS_CARD_NOT_EMERGENCY])
CRISIS_CARD_SHORT = (
    "If you're still feeling unsafe: call or text 988 (Suicide & Crisis Lifeline), text HOME to 741741, or call 911 if you're in immediate danger."
)

# --- Emergency: 911 first ----------------------------------------------------------------------------
EMERGENCY_CARD = (
    "This sounds like a medical emergency. Call 911 now, or go to the nearest emergency room.\n"
    "- If someone is unresponsive, not breathing normally, having a seizure, chest pain or stroke signs, call 911 first.\n"
    "- If someone swallowed too much of a medicine or substance, also call Poison Control at 1-800-222-1222.\n"
    "This chat is an automated assistant and cannot send help."
)

# --- Medical advice: no doses, no personal recommendation -----------------------------------------
MEDICAL_ADVICE_REFERRAL = (
    "I can't give personal medical advice: doses, starting, stopping or combining medications, "
    "whether a treatment is right for you, or a diagnosis. Those decisions belong with the clinic's clinicians "
    f"or your own provider, who know your history. To ask the {CLINIC_NAME} team, {CLINIC_CONTACT}."
)
MEDICAL_ADVICE_GENERAL_INTRO = "General information from the clinic's articles:"

# --- Abstention ----------------------------------------------------------------------------------------
NOT_FOUND = f"The clinic's articles don't cover that, so I won't guess. The {CLINIC_NAME} team can answer it: {CLINIC_CONTACT}."
OUT_OF_SCOPE = (
    f"I can only help with questions about {CLINIC_NAME} and its care: IV ketamine therapy, "
    "ketamine-assisted psychotherapy, stellate ganglion block, and the conditions they treat, such as depression, "
    f"PTSD and anxiety. For anything else I'm not the right tool. Questions for the clinic: {CLINIC_CONTACT}."
)

# --- Invalid input -------------------------------------------------------------------------------------
INVALID_EMPTY = "Please type a question about the clinic or its treatments."
INVALID_TOO_LONG = "That message is longer than {limit:,} characters. Please shorten it to your main question."
INVALID_NOT_TEXT = "I can only read plain text. Please type your question in words."
RATE_LIMITED = f"You're sending messages faster than I can answer. Please wait a minute and try again, or {CLINIC_CONTACT}."

# --- Surfaces --------------------------------------------------------------------------------------------
SOURCES_HEADING = "Sources:"
TALK_TO_A_PERSON = f"To talk with a person at {CLINIC_NAME}, {CLINIC_CONTACT} (not for emergencies: call or text 988, or 911)."
ERROR_FALLBACK = "Sorry, something went wrong on our side and I couldn't answer that."
# The banner above a conversation that had a crisis turn, for someone who may have just arrived at the page.
CRISIS_BANNER = "Help is available right now: call or text 988 (Suicide & Crisis Lifeline), text HOME to 741741, or call 911 if you're in immediate danger."
# The chat's own message when it cannot reach the server (any connection error), on the chat page and in the widget.
OUTAGE = (
    "The assistant can't be reached right now. Your conversation and your message are kept here. "
    f"If you are in crisis, call or text 988 (Suicide & Crisis Lifeline), or call 911. To reach a person at {CLINIC_NAME}, {CLINIC_CONTACT}."
)
