"""Training learned components from gold data (``detente train``; needs scikit-learn).

Training sits above the library API: it codes gold sentences with the pipeline to get the rules'
candidates, then fits the model that the events stage loads (:mod:`detente.events.typemodel`).
"""
