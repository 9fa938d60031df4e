"""Safety: crisis, emergency and medical-advice detection, and the texts the person sees."""
