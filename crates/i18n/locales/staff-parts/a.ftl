## Part a (merged into staff.en.ftl when done).
