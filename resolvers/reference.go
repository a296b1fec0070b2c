package resolvers

import (
	"context"
	"errors"
	"reflect"
	"sync"

	"crmgraph/backends/cirrus"
	"crmgraph/backends/cone"
	"crmgraph/cache"
	"crmgraph/graph/model"
)

// Reference lists are read through the two-tier cache, keyed by backend, credential
// scope, language and list name.

// listFormat versions what the cache holds: the mapped model, which changes with the
// schema (v2: reference items carry global ids). It is part of the key's scope, so
// replicas of another version read and write other entries instead of decoding each
// other's lists into the wrong shape, while the list's name (the metrics' label, what
// Invalidate addresses) stays the same.
const listFormat = "v2"

func cached[T any](ctx context.Context, r *Resolver, backend, language, name string, load func(ctx context.Context) (T, error)) (T, error) {
	return cachedPart(ctx, r, backend, language, name, "", load)
}

// cachedPart caches one part of a list (part "" is the whole list): a list read item by
// item keeps one name, for the metrics and for Invalidate.
func cachedPart[T any](ctx context.Context, r *Resolver, backend, language, name, part string, load func(ctx context.Context) (T, error)) (T, error) {
	scope := r.Scopes[backend]
	if c := callerScope(ctx); c != "" && backend == "clientdata" {
		scope += "/" + c // lists read with a forwarded caller token are that caller's
	}
	scope += "@" + listFormat
	if part != "" {
		scope += "#" + part
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

// typename is the GraphQL type of the model T: gqlgen binds models by name.
func typename[T any]() string { return reflect.TypeFor[T]().Name() }

// cirrusRef is the identity of the Cirrus reference item id of type T.
func cirrusRef[T any](id int) model.Ref {
	return model.NewRef(typename[T](), model.SourceCirrus, itoa(id))
}

// namedItem is a NamedItem model: OpportunitySource, LostReason, OrderType…
type namedItem interface {
	~struct{ model.Named }
}

// cirrusNamed is the NamedItem T of a Cirrus item; nil for id 0 (the API's "none").
func cirrusNamed[T namedItem](id int, name string, sortOrder *int, isDefault *bool) *T {
	if id == 0 {
		return nil
	}
	return &T{model.Named{Ref: cirrusRef[T](id), Name: name, SortOrder: sortOrder, IsDefault: isDefault}}
}

func (r *Resolver) cirrusAccountTypes(ctx context.Context) ([]*model.AccountType, error) {
	return cirrusList(ctx, r, "accountTypes", r.Cirrus.AccountTypes, func(t *cirrus.AccountType) *model.AccountType {
		return &model.AccountType{Ref: cirrusRef[model.AccountType](t.ID), Name: t.Name, IsCustomer: boolp(t.TypeIsCustomer.Bool()),
			IsProspect: boolp(t.TypeIsProspect.Bool()), IsDefault: boolp(t.IsDefault.Bool())}
	})
}

func (r *Resolver) cirrusOpportunityStatuses(ctx context.Context) ([]*model.OpportunityStatus, error) {
	return cirrusList(ctx, r, "opportunityStatuses", r.Cirrus.OpportunityStatuses, cirrusOpportunityStatus)
}

func (r *Resolver) cirrusOpportunityTypes(ctx context.Context) ([]*model.OpportunityType, error) {
	return cirrusList(ctx, r, "opportunityTypes", r.Cirrus.OpportunityTypes, cirrusOpportunityType)
}

func (r *Resolver) cirrusOpportunitySources(ctx context.Context) ([]*model.OpportunitySource, error) {
	return cirrusList(ctx, r, "opportunitySources", r.Cirrus.OpportunitySources, cirrusSource[model.OpportunitySource])
}

func (r *Resolver) cirrusLostReasons(ctx context.Context) ([]*model.LostReason, error) {
	return cirrusList(ctx, r, "lostReasons", r.Cirrus.LostReasons, cirrusReason[model.LostReason])
}

func (r *Resolver) cirrusWinReasons(ctx context.Context) ([]*model.WinReason, error) {
	return cirrusList(ctx, r, "winReasons", r.Cirrus.WinReasons, cirrusReason[model.WinReason])
}

func (r *Resolver) cirrusOrderStatuses(ctx context.Context) ([]*model.OrderStatus, error) {
	return cirrusList(ctx, r, "orderStatuses", r.Cirrus.OrderStatuses, func(s *cirrus.OrderStatus) *model.OrderStatus {
		return &model.OrderStatus{Ref: cirrusRef[model.OrderStatus](s.ID), Name: s.Name, Step: intp(s.Step), IsDefault: boolp(s.Default.Bool())}
	})
}

func (r *Resolver) cirrusOrderTypes(ctx context.Context) ([]*model.OrderType, error) {
	return cirrusList(ctx, r, "orderTypes", r.Cirrus.OrderTypes, func(t *cirrus.OrderType) *model.OrderType {
		return cirrusNamed[model.OrderType](t.ID, t.Name, intp(t.SortOrder), boolp(t.Default.Bool()))
	})
}

func (r *Resolver) cirrusDeliveryTerms(ctx context.Context) ([]*model.DeliveryTerm, error) {
	return cirrusList(ctx, r, "deliveryTerms", r.Cirrus.DeliveryTerms, func(t *cirrus.DeliveryTerm) *model.DeliveryTerm {
		return &model.DeliveryTerm{Ref: cirrusRef[model.DeliveryTerm](t.ID), Name: t.Name, ExternalKey: str(t.ExternalKey), IsDefault: boolp(t.Default.Bool())}
	})
}

func (r *Resolver) cirrusDeliveryTypes(ctx context.Context) ([]*model.DeliveryType, error) {
	return cirrusList(ctx, r, "deliveryTypes", r.Cirrus.DeliveryTypes, func(t *cirrus.DeliveryType) *model.DeliveryType {
		return cirrusNamed[model.DeliveryType](t.ID, t.Name, nil, boolp(t.Default.Bool()))
	})
}

func (r *Resolver) cirrusPaymentTerms(ctx context.Context) ([]*model.PaymentTerm, error) {
	return cirrusList(ctx, r, "paymentTerms", r.Cirrus.PaymentTerms, func(t *cirrus.PaymentTerm) *model.PaymentTerm {
		return &model.PaymentTerm{Ref: cirrusRef[model.PaymentTerm](t.ID), Name: t.Name, Days: intp(t.Days), ExternalKey: str(t.ExternalKey), IsDefault: boolp(t.Default.Bool())}
	})
}

func (r *Resolver) cirrusLeadStatuses(ctx context.Context) ([]*model.LeadStatus, error) {
	return cirrusList(ctx, r, "leadStatuses", r.Cirrus.LeadStatuses, func(s *cirrus.LeadStatus) *model.LeadStatus {
		return &model.LeadStatus{Ref: cirrusRef[model.LeadStatus](s.ID), Name: s.Name, SortOrder: intp(s.SortOrder)}
	})
}

// cirrusLeadSource reads lead source id from a lead that has it: Cirrus lists no lead
// sources, but GET /leads filters by one and embeds it. The answer, none included, is
// cached like a list.
func (r *Resolver) cirrusLeadSource(ctx context.Context, id int) (*model.LeadSource, error) {
	return cachedPart(ctx, r, "cirrus", "", "leadSources", itoa(id), func(ctx context.Context) (*model.LeadSource, error) {
		q := cirrus.LeadQuery{Source: id}
		q.Page, q.PerPage, q.Mask = 1, 1, "{id,source}"
		p, err := r.Cirrus.Leads(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, l := range p.Items {
			if l.Source != nil && l.Source.ID == id {
				return cirrusSource[model.LeadSource](l.Source), nil
			}
		}
		return nil, nil
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
	return &model.Stage{Ref: model.NewRef(typename[model.Stage](), model.SourceCone, s.ID), Name: s.Name, SortOrder: intp(i + 1)}
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
		if s.SourceID == id {
			return s, nil
		}
	}
	return nil, notFound("ConeCRM stage " + id + " not found")
}

// refItem is a reference item model.
type refItem interface {
	model.Node
	GetSourceID() string
}

// errNotListed: the reference list has no item with the id asked for.
var errNotListed = errors.New("not in the list")

// finder looks an item up by source id in a (cached) reference list.
type finder func(ctx context.Context, sourceID string) (model.Node, error)

func findIn[T refItem](list func(context.Context) ([]T, error)) finder {
	return func(ctx context.Context, sourceID string) (model.Node, error) {
		xs, err := list(ctx)
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			if x.GetSourceID() == sourceID {
				return x, nil
			}
		}
		return nil, errNotListed
	}
}

// referenceSources are the reference item types and their sources. Each is answered
// from one cached list, but for LeadSource (one read per item: see cirrusLeadSource).
var referenceSources = map[string]model.Source{
	typename[model.AccountType](): model.SourceCirrus, typename[model.OpportunityStatus](): model.SourceCirrus,
	typename[model.OpportunityType](): model.SourceCirrus, typename[model.OpportunitySource](): model.SourceCirrus,
	typename[model.LostReason](): model.SourceCirrus, typename[model.WinReason](): model.SourceCirrus,
	typename[model.OrderStatus](): model.SourceCirrus, typename[model.OrderType](): model.SourceCirrus,
	typename[model.DeliveryTerm](): model.SourceCirrus, typename[model.DeliveryType](): model.SourceCirrus,
	typename[model.PaymentTerm](): model.SourceCirrus, typename[model.LeadStatus](): model.SourceCirrus,
	typename[model.LeadSource](): model.SourceCirrus, typename[model.Stage](): model.SourceCone,
}

// isReference reports whether p names a reference item.
func isReference(p model.ParsedID) bool {
	src, ok := referenceSources[p.Type]
	return ok && src == p.Source
}

// referenceList is the backend of a reference type and how to find its items; find is
// nil for a type that is no reference type.
func (r *Resolver) referenceList(typ string) (backend string, find finder) {
	switch typ {
	case typename[model.AccountType]():
		return "cirrus", findIn(r.cirrusAccountTypes)
	case typename[model.OpportunityStatus]():
		return "cirrus", findIn(r.cirrusOpportunityStatuses)
	case typename[model.OpportunityType]():
		return "cirrus", findIn(r.cirrusOpportunityTypes)
	case typename[model.OpportunitySource]():
		return "cirrus", findIn(r.cirrusOpportunitySources)
	case typename[model.LostReason]():
		return "cirrus", findIn(r.cirrusLostReasons)
	case typename[model.WinReason]():
		return "cirrus", findIn(r.cirrusWinReasons)
	case typename[model.OrderStatus]():
		return "cirrus", findIn(r.cirrusOrderStatuses)
	case typename[model.OrderType]():
		return "cirrus", findIn(r.cirrusOrderTypes)
	case typename[model.DeliveryTerm]():
		return "cirrus", findIn(r.cirrusDeliveryTerms)
	case typename[model.DeliveryType]():
		return "cirrus", findIn(r.cirrusDeliveryTypes)
	case typename[model.PaymentTerm]():
		return "cirrus", findIn(r.cirrusPaymentTerms)
	case typename[model.LeadStatus]():
		return "cirrus", findIn(r.cirrusLeadStatuses)
	case typename[model.LeadSource]():
		return "cirrus", func(ctx context.Context, sourceID string) (model.Node, error) {
			n, _ := model.ParseCirrusID(sourceID) // ParseGlobalID has checked it
			s, err := r.cirrusLeadSource(ctx, n)
			switch {
			case err != nil:
				return nil, err
			case s == nil:
				return nil, errNotListed
			}
			return s, nil
		}
	case typename[model.Stage]():
		return "cone", findIn(r.coneStages)
	}
	return "", nil
}

// referenceNode answers node(id) for a reference item from its cached list: one list
// read per request however many of its items are asked for, and no call per item.
// ok is false when p names no reference type.
func (r *Resolver) referenceNode(ctx context.Context, p model.ParsedID) (nodeThunk, bool) {
	if !isReference(p) {
		return nil, false
	}
	backend, find := r.referenceList(p.Type)
	// Started now, so that nodes() reads the lists it needs concurrently.
	var (
		n    model.Node
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		n, err = find(ctx, p.SourceID)
		if errors.Is(err, errNotListed) {
			n, err = nil, notFound(sourceName(backend)+" has no "+p.Type+" "+p.SourceID)
		}
	}()
	return func() (model.Node, error) {
		<-done
		return n, err
	}, true
}
