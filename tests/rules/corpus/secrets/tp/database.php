<?php
$dsn = 'mysql://billing:0I23lUtcuoOHE-y@db.internal:3306/billing';
$password = "TqvwE2@tSAzS";
