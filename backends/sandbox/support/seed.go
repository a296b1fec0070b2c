package support

// What the sandbox serves, written from the seed (seeds/000_… "AY" and 001_… "AR" in
// seeds/digests/seed-clientdata-apideck.md) and not taken from the client in
// backends/support: the sandbox stands in for the API, so a client that misreads the
// seed fails against it instead of sharing the mistake. Routes are Go ServeMux
// patterns, relative to the server URL.
const (
	routeCustomers = "/customer-support/customers"      // GET customersAll, POST customersAdd: AY L2583
	routeCustomer  = "/customer-support/customers/{id}" // GET customersOne, PATCH customersUpdate, DELETE customersDelete: AY L2750
)

// Headers (AY L22–83; the header table in AY L5 and AR L21–29). Header names are case
// insensitive (AY L5, RFC 7230).
const (
	headerAppID      = "x-apideck-app-id"      // required, AY L24
	headerServiceID  = "x-apideck-service-id"  // optional, AY L32
	headerConsumerID = "x-apideck-consumer-id" // required, AY L38
	headerRequestID  = "Request-Id"            // response header naming the request, AR L257
)

// maxLimit is the largest page: limit "Minimum 1, Maximum 200, Default 20" (AY L5, L65).
const maxLimit = 200

// Error type_name values (AR L111–219; the schemas' examples).
const (
	typeRequestValidation        = "RequestValidationError"        // 400, AY L317
	typeRequestHeadersValidation = "RequestHeadersValidationError" // default error, AY L2425
	typeInvalidCursor            = "InvalidCursorError"            // AR L125
	typeUnauthorized             = "UnauthorizedError"             // 401, AY L2397
	typeEntityNotFound           = "EntityNotFoundError"           // 404, AY L1958
	typeIntegrationNotFound      = "IntegrationNotFoundError"      // AR L161
)
