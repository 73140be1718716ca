-- Consent with every element of 42 CFR 2.31 and the 2.35 criminal justice kind
-- (docs/adr/0008). revoked_at stays "when the person asked"; whether a revocation is in
-- effect is decided by domain::consent at every read.
ALTER TABLE consents ADD COLUMN information TEXT NOT NULL DEFAULT 'status';
ALTER TABLE consents ADD COLUMN recipient_class TEXT;
ALTER TABLE consents ADD COLUMN revocation_text TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN expiry_event TEXT;
ALTER TABLE consents ADD COLUMN irrevocable_until_at TIMESTAMPTZ;
ALTER TABLE consents ADD COLUMN irrevocable_until_event TEXT;
ALTER TABLE consents ADD COLUMN signature_method TEXT NOT NULL DEFAULT 'typed';
ALTER TABLE consents ADD COLUMN attestation TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN form_text TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN revoked_by UUID REFERENCES users(id);
ALTER TABLE consents ADD COLUMN revoke_note TEXT;
CREATE INDEX consents_participant ON consents(participant_id);

-- The first issue's release of information, given when the person accepted the offer,
-- was a criminal justice referral consent: irrevocable until, and expiring at, the final
-- disposition of the held charge. Its words are kept as they were shown.
UPDATE consents SET
    kind = 'criminal_justice',
    information = 'status',
    revocation_text = 'You may revoke this consent at any time by telling the treatment provider, orally or in writing. Because it is given for a criminal justice referral (42 CFR 2.35), a revocation takes effect at the final disposition of the charge, not before.',
    expiry_event = 'final_disposition',
    irrevocable_until_event = 'final_disposition',
    signature_method = 'typed',
    attestation = 'The person read (or was read) the consent and signed it.',
    form_text = 'I agree that the treatment provider may tell the referring police agency and the prosecutor''s office whether I was contacted, completed intake by the deadline, engaged in treatment and left or completed the program, with dates, so the charge can be held and not filed. No other information is shared. I can revoke this by telling the provider, except as the law allows for criminal justice referrals (42 CFR 2.35).'
WHERE kind = 'release_of_information';
