## Part d (merged into staff.en.ftl when done).
