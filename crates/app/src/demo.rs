pub async fn generate() {}
