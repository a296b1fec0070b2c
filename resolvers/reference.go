package resolvers

import (
	"context"
	"sync"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/cone"
	"crmgraph/cache"
	"crmgraph/graph/model"
)

// Reference lists are read through the two-tier cache, keyed by backend, credential
// scope, language and list name.

func cached[T any](ctx context.Context, r *Resolver, backend, language, name string, load func(ctx context.Context) (T, error)) (T, error) {
	scope := r.Scopes[backend]
	if c := callerScope(ctx); c != "" && backend == "clientdata" {
		scope += "/" + c // lists read with a forwarded caller token are that caller's
	}
	key := cache.Key{Backend: backend, Scope: scope, Language: language, Name: name}
	// One request reads a list once: twenty accounts resolving their type share one
	// decoded copy instead of twenty trips through the cache.
	memo := r.loaders(ctx).lists
	if v, ok := memo.get(key); ok {
		return v.(T), nil
	}
	v, err := cache.Load(ctx, r.Cache, key, func(ctx context.Context) (T, error) {
		v, err := load(ctx)
		return v, fromBackend(backend, err)
	})
	if err != nil {
		return v, fromBackend(backend, err)
	}
	memo.put(key, v)
	return v, nil
}

// listMemo holds the reference lists one request has read.
type listMemo struct {
	mu sync.Mutex
	m  map[cache.Key]any
}

func (l *listMemo) get(k cache.Key) (any, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[k]
	return v, ok
}

func (l *listMemo) put(k cache.Key, v any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[cache.Key]any{}
	}
	l.m[k] = v
}

// cirrusList caches one Cirrus reference list mapped to the model.
func cirrusList[W any, M any](ctx context.Context, r *Resolver, name string, fetch func(context.Context) ([]W, error), conv func(*W) M) ([]M, error) {
	return cached(ctx, r, "cirrus", "", name, func(ctx context.Context) ([]M, error) {
		xs, err := fetch(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]M, len(xs))
		for i := range xs {
			out[i] = conv(&xs[i])
		}
		return out, nil
	})
}

func (r *Resolver) cirrusAccountTypes(ctx context.Context) ([]*model.AccountType, error) {
	return cirrusList(ctx, r, "accountTypes", r.Cirrus.AccountTypes, func(t *cirrus.AccountType) *model.AccountType {
		return &model.AccountType{ID: itoa(t.ID), Name: t.Name, IsCustomer: boolp(t.TypeIsCustomer.Bool()),
			IsProspect: boolp(t.TypeIsProspect.Bool()), IsDefault: boolp(t.IsDefault.Bool())}
	})
}

func (r *Resolver) cirrusOpportunityStatuses(ctx context.Context) ([]*model.OpportunityStatus, error) {
	return cirrusList(ctx, r, "opportunityStatuses", r.Cirrus.OpportunityStatuses, cirrusOpportunityStatus)
}

func (r *Resolver) cirrusOpportunityTypes(ctx context.Context) ([]*model.OpportunityType, error) {
	return cirrusList(ctx, r, "opportunityTypes", r.Cirrus.OpportunityTypes, cirrusOpportunityType)
}

func (r *Resolver) cirrusOpportunitySources(ctx context.Context) ([]*model.NamedItem, error) {
	return cirrusList(ctx, r, "opportunitySources", r.Cirrus.OpportunitySources, cirrusSource)
}

func (r *Resolver) cirrusLostReasons(ctx context.Context) ([]*model.NamedItem, error) {
	return cirrusList(ctx, r, "lostReasons", r.Cirrus.LostReasons, cirrusReason)
}

func (r *Resolver) cirrusWinReasons(ctx context.Context) ([]*model.NamedItem, error) {
	return cirrusList(ctx, r, "winReasons", r.Cirrus.WinReasons, cirrusReason)
}

func (r *Resolver) cirrusOrderStatuses(ctx context.Context) ([]*model.OrderStatus, error) {
	return cirrusList(ctx, r, "orderStatuses", r.Cirrus.OrderStatuses, func(s *cirrus.OrderStatus) *model.OrderStatus {
		return &model.OrderStatus{ID: itoa(s.ID), Name: s.Name, Step: intp(s.Step), IsDefault: boolp(s.Default.Bool())}
	})
}

func (r *Resolver) cirrusOrderTypes(ctx context.Context) ([]*model.NamedItem, error) {
	return cirrusList(ctx, r, "orderTypes", r.Cirrus.OrderTypes, func(t *cirrus.OrderType) *model.NamedItem {
		return &model.NamedItem{ID: itoa(t.ID), Name: t.Name, SortOrder: intp(t.SortOrder), IsDefault: boolp(t.Default.Bool())}
	})
}

func (r *Resolver) cirrusDeliveryTerms(ctx context.Context) ([]*model.DeliveryTerm, error) {
	return cirrusList(ctx, r, "deliveryTerms", r.Cirrus.DeliveryTerms, func(t *cirrus.DeliveryTerm) *model.DeliveryTerm {
		return &model.DeliveryTerm{ID: itoa(t.ID), Name: t.Name, ExternalKey: str(t.ExternalKey), IsDefault: boolp(t.Default.Bool())}
	})
}

func (r *Resolver) cirrusDeliveryTypes(ctx context.Context) ([]*model.NamedItem, error) {
	return cirrusList(ctx, r, "deliveryTypes", r.Cirrus.DeliveryTypes, func(t *cirrus.DeliveryType) *model.NamedItem {
		return &model.NamedItem{ID: itoa(t.ID), Name: t.Name, IsDefault: boolp(t.Default.Bool())}
	})
}

func (r *Resolver) cirrusPaymentTerms(ctx context.Context) ([]*model.PaymentTerm, error) {
	return cirrusList(ctx, r, "paymentTerms", r.Cirrus.PaymentTerms, func(t *cirrus.PaymentTerm) *model.PaymentTerm {
		return &model.PaymentTerm{ID: itoa(t.ID), Name: t.Name, Days: intp(t.Days), ExternalKey: str(t.ExternalKey), IsDefault: boolp(t.Default.Bool())}
	})
}

func (r *Resolver) cirrusLeadStatuses(ctx context.Context) ([]*model.LeadStatus, error) {
	return cirrusList(ctx, r, "leadStatuses", r.Cirrus.LeadStatuses, func(s *cirrus.LeadStatus) *model.LeadStatus {
		return &model.LeadStatus{ID: itoa(s.ID), Name: s.Name, SortOrder: intp(s.SortOrder)}
	})
}

func (r *Resolver) coneStages(ctx context.Context) ([]*model.Stage, error) {
	return cached(ctx, r, "cone", "", "stages", func(ctx context.Context) ([]*model.Stage, error) {
		xs, err := r.Cone.Stages(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]*model.Stage, len(xs))
		for i, s := range xs {
			out[i] = coneStage(&s, i)
		}
		return out, nil
	})
}

func coneStage(s *cone.Stage, i int) *model.Stage {
	return &model.Stage{ID: s.ID, Name: s.Name, SortOrder: intp(i + 1)}
}

func (r *Resolver) coneStage(ctx context.Context, id string) (*model.Stage, error) {
	if id == "" {
		return nil, nil
	}
	stages, err := r.coneStages(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range stages {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, notFound("ConeCRM stage " + id + " not found")
}
