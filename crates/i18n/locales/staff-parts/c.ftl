## Part c (merged into staff.en.ftl when done).
