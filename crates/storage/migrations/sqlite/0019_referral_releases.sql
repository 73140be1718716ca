-- The release a referral to a partner that is not a treatment service rests on (issue 15,
-- ADR 0017): a consent row of kind 'release', signed with the referral, naming the
-- partner. The partner sees the referral (and so the person) only while it is valid.
ALTER TABLE referrals ADD COLUMN release_id BLOB REFERENCES consents(id);
