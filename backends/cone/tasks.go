package cone

import (
	"context"
	"net/http"

	"crmgraph/backends/rest"
)

// CreateTask creates a task (200 with the Task; 400 is a bare JSON string).
func (c *Client) CreateTask(ctx context.Context, in TaskRequest) (*Task, error) {
	var out Task
	if err := c.do(ctx, rest.Request{Op: "tasks.create", Method: http.MethodPost, Path: PathTasks, Body: in}, &out); err != nil {
		return nil, wrap("create task", err)
	}
	return &out, nil
}

// UpdateTask replaces a task's fields (the body is a full TaskRequest).
func (c *Client) UpdateTask(ctx context.Context, id string, in TaskRequest) (*Task, error) {
	var out Task
	if err := c.do(ctx, rest.Request{Op: "tasks.update", Method: http.MethodPatch, Path: Expand(PathTask, id), Body: in}, &out); err != nil {
		return nil, wrap("update task "+id, err)
	}
	return &out, nil
}

// DeleteTask deletes a task (200, no body).
func (c *Client) DeleteTask(ctx context.Context, id string) error {
	err := c.do(ctx, rest.Request{Op: "tasks.delete", Method: http.MethodDelete, Path: Expand(PathTask, id)}, nil)
	return wrap("delete task "+id, err)
}
