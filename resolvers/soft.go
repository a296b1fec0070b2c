package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// The reference lists are non-null in the schema. A resolver error there would null the
// whole response (GraphQL propagates nulls up to the nearest nullable parent, and there
// is none), so these fields answer empty with the error on the field instead: one
// failing backend never takes the rest of the response with it. (The root connections
// are nullable: a list that cannot be answered is null beside its error, never empty.)

func softList[T any](ctx context.Context, xs []T, err error) ([]T, error) {
	if err != nil {
		graphql.AddError(ctx, err)
		return []T{}, nil
	}
	return xs, nil
}
