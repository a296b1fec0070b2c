package cone

import (
	"context"
	"net/http"

	"crmgraph/backends/rest"
)

// Stages lists the connection stages (the only reference list the API has).
func (c *Client) Stages(ctx context.Context) ([]Stage, error) {
	var out []Stage
	if err := c.do(ctx, rest.Request{Op: "stages.list", Method: http.MethodGet, Path: PathStages}, &out); err != nil {
		return nil, wrap("list stages", err)
	}
	return out, nil
}

// Stage reads one stage.
func (c *Client) Stage(ctx context.Context, id string) (*Stage, error) {
	var out Stage
	if err := c.do(ctx, rest.Request{Op: "stages.get", Method: http.MethodGet, Path: Expand(PathStage, id)}, &out); err != nil {
		return nil, wrap("get stage "+id, err)
	}
	return &out, nil
}

// CreateStage creates a stage (201). in.ID is ignored by the server.
func (c *Client) CreateStage(ctx context.Context, in Stage) (*Stage, error) {
	var out Stage
	if err := c.do(ctx, rest.Request{Op: "stages.create", Method: http.MethodPost, Path: PathStages, Body: in}, &out); err != nil {
		return nil, wrap("create stage", err)
	}
	return &out, nil
}

// UpdateStage renames a stage.
func (c *Client) UpdateStage(ctx context.Context, id string, in Stage) (*Stage, error) {
	var out Stage
	if err := c.do(ctx, rest.Request{Op: "stages.update", Method: http.MethodPatch, Path: Expand(PathStage, id), Body: in}, &out); err != nil {
		return nil, wrap("update stage "+id, err)
	}
	return &out, nil
}

// DeleteStage deletes a stage (204). A stage still used by connections is a 400.
func (c *Client) DeleteStage(ctx context.Context, id string) error {
	err := c.do(ctx, rest.Request{Op: "stages.delete", Method: http.MethodDelete, Path: Expand(PathStage, id)}, nil)
	return wrap("delete stage "+id, err)
}
