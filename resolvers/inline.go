package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"crmgraph/graph"
)

// These resolvers answer from the record in hand when the selection asks only for what
// the record embeds: their first step is the same summary check as here (cirrusOwner,
// listItem). gqlgen then resolves them in line
// rather than on a goroutine of their own, and a list of such records marshals in order.
func init() {
	owner := embeddedServes(listedUserSummary, "User")
	graph.RegisterInlineFields(map[string]map[string]graph.InlineField{
		"Account":     {"owner": owner, "type": embeddedServes(idNameSummary, "AccountType")},
		"Opportunity": {"owner": owner},
		"Order": {
			"owner":        owner,
			"status":       embeddedServes(idNameSummary, "OrderStatus"),
			"type":         embeddedServes(idNameSummary, "OrderType"),
			"deliveryTerm": embeddedServes(idNameSummary, "DeliveryTerm"),
			"paymentTerm":  embeddedServes(idNameSummary, "PaymentTerm"),
			"deliveryType": embeddedServes(idNameSummary, "DeliveryType"),
		},
		"Lead": {"owner": owner},
	})
}

// embeddedServes is summaryServesAs for a collected field rather than the current one.
func embeddedServes(s *recordSummary, typ string) graph.InlineField {
	return func(ctx context.Context, f graphql.CollectedField) bool {
		return s.servesSelection(ctx, f.Selections, typ)
	}
}
