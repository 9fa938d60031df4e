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
# The standing disclaimer every reply ends with is short (about 25 words): an answer should be read
# before its envelope. The full text stays one click away (DISCLAIMER_FULL: the API's
# `disclaimer_full`, the chat's "more" link) and says the same things at length.
MEDICAL_DISCLAIMER = "Educational information, not medical advice."
AI_DISCLOSURE = f"I'm an automated assistant; for a person, call {CLINIC_PHONE} or email {CLINIC_EMAIL}."
STANDING_CRISIS_LINE = "In crisis, call or text 988, or call 911."
DISCLAIMER = f"{MEDICAL_DISCLAIMER} {AI_DISCLOSURE} {STANDING_CRISIS_LINE}"

MEDICAL_DISCLAIMER_FULL = (
    "This is educational information from the clinic's articles, not medical advice. Talk with a licensed provider about your own care; results vary."
)
AI_DISCLOSURE_FULL = f"You are chatting with an automated assistant, not a clinician. To reach a person at {CLINIC_NAME}, {CLINIC_CONTACT}."
STANDING_CRISIS_LINE_FULL = "If you are in crisis, call or text 988 (Suicide & Crisis Lifeline), or call 911."
DISCLAIMER_FULL = f"{MEDICAL_DISCLAIMER_FULL} {AI_DISCLOSURE_FULL} {STANDING_CRISIS_LINE_FULL}"

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
# After the first card, each later reply of a crisis conversation carries the short card and one of these
# lines, in turn (safe-messaging guidance: warmth, hope, an invitation to keep talking or to reach a person;
# never shaming, never closing the conversation, never a method).
CRISIS_CARE_LINES = (
    "I'm glad you're still talking with me. You don't have to carry this alone: someone at 988 can listen right now, any time of day.",
    "Thank you for telling me how you're feeling. If you can, let someone you trust know today, or call or text 988 to talk with a person now.",
    "What you're going through sounds really hard, and you deserve support. I'm still here, and so are the counselors at 988, day or night.",
    "You matter, and feelings this heavy can ease with help. Would you be willing to reach out to 988, or to someone near you, right now?",
    "I'm here to keep talking for as long as you want. If things feel more intense, please reach a person now: call or text 988, or call 911.",
)


def crisis_card_short(turn: int) -> str:
    """The short card for a later reply of a crisis conversation: 988 first, then a caring line that changes
    from one reply to the next (`turn`: any counter of the conversation's turns)."""
    return f"{CRISIS_CARD_SHORT}\n{CRISIS_CARE_LINES[turn % len(CRISIS_CARE_LINES)]}"


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

# --- Social: greetings, thanks, acknowledgements get a short human reply, never an article quote -----
SOCIAL_REPLIES = {
    "greeting": f"Hi! I'm {CLINIC_NAME}'s automated assistant. I can answer questions about the clinic and its treatments. What would you like to know?",
    "thanks": "You're welcome. Is there anything else I can help you with?",
    "acknowledgement": "Okay. If another question comes up about the clinic or its treatments, I'm here.",
    "farewell": f"Take care. If more questions come up, I'm here, and the clinic's team is too: {CLINIC_CONTACT}.",
}

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
