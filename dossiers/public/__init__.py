"""The citizens' side of dossiers, no login: the lookup by code and PIN (or the receipt's QR token),
the online submission, and the public lookup API. No anonymous page or endpoint lists dossiers."""
