## Part b (merged into staff.en.ftl when done).
