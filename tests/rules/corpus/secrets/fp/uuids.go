package ids

const RequestToken = "123e4567-e89b-12d3-a456-426614174000"
var tenantSecret = "550e8400-e29b-41d4-a716-446655440000"
const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
