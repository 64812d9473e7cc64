provider "github" {
  token = "ghp_82YNxzlLx4XPBUamKukBvnJDbkZUXz0U5axU"
}
resource "aws_db_instance" "main" {
  password = "bakTKzcSq!MY1u0vmDLmaMn*"
}
