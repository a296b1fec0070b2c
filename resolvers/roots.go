package resolvers

import "crmgraph/graph"

// roots is the ResolverRoot the executor gets: the resolvers built once. gqlgen calls
// ResolverRoot's Account() for every field it resolves on an account (about 200 times
// in the canonical query), and the generated method allocates a new resolver each time.
type roots struct {
	account       graph.AccountResolver
	changeRequest graph.ChangeRequestResolver
	contact       graph.ContactResolver
	lead          graph.LeadResolver
	mutation      graph.MutationResolver
	opportunity   graph.OpportunityResolver
	order         graph.OrderResolver
	query         graph.QueryResolver
	referenceData graph.ReferenceDataResolver
}

// Roots returns r's resolvers for graph.Config: what r's own ResolverRoot methods return,
// built once.
func (r *Resolver) Roots() graph.ResolverRoot {
	return &roots{account: r.Account(), changeRequest: r.ChangeRequest(), contact: r.Contact(), lead: r.Lead(),
		mutation: r.Mutation(), opportunity: r.Opportunity(), order: r.Order(), query: r.Query(), referenceData: r.ReferenceData()}
}

func (x *roots) Account() graph.AccountResolver             { return x.account }
func (x *roots) ChangeRequest() graph.ChangeRequestResolver { return x.changeRequest }
func (x *roots) Contact() graph.ContactResolver             { return x.contact }
func (x *roots) Lead() graph.LeadResolver                   { return x.lead }
func (x *roots) Mutation() graph.MutationResolver           { return x.mutation }
func (x *roots) Opportunity() graph.OpportunityResolver     { return x.opportunity }
func (x *roots) Order() graph.OrderResolver                 { return x.order }
func (x *roots) Query() graph.QueryResolver                 { return x.query }
func (x *roots) ReferenceData() graph.ReferenceDataResolver { return x.referenceData }
