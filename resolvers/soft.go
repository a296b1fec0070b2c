package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// The root connections and the reference lists are non-null in the schema. A resolver
// error there would null the whole response (GraphQL propagates nulls up to the nearest
// nullable parent, and there is none), so these fields answer empty with the error on
// the field instead: one failing backend never takes the rest of the response with it.

func softList[T any](ctx context.Context, xs []T, err error) ([]T, error) {
	if err != nil {
		graphql.AddError(ctx, err)
		return []T{}, nil
	}
	return xs, nil
}

func softConnection[T any](ctx context.Context, conn *T, err error, empty func() *T) (*T, error) {
	if err != nil {
		graphql.AddError(ctx, err)
		return empty(), nil
	}
	return conn, nil
}
