package main

import (
	"go/format"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// fieldSource is gqlgen v0.17.98's shape for field functions and marshallers, one of each
// case the leaf pass must tell apart.
const fieldSource = `package graph

func (ec *executionContext) _T_ptr(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_T_ptr(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Ptr, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v *string) graphql.Marshaler {
			return ec.marshalOString2ᚖstring(ctx, selections, v)
		},
		true, false)
}
func (ec *executionContext) fieldContext_T_ptr(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("T", field, false, false, "String")
}

func (ec *executionContext) _T_val(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_T_val(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Val, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true, true)
}
func (ec *executionContext) fieldContext_T_val(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("T", field, false, false, "String")
}

func (ec *executionContext) _T_method(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_T_val(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Method(), nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true, true)
}

func (ec *executionContext) _T_list(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_T_val(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.List, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v []string) graphql.Marshaler {
			return ec.marshalNString2ᚕstringᚄ(ctx, selections, v)
		},
		true, true)
}

func (ec *executionContext) _T_float(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_T_val(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Float, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v float64) graphql.Marshaler {
			return ec.marshalNFloat2float64(ctx, selections, v)
		},
		true, true)
}

func (ec *executionContext) _T_child(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_T_child(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Child, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v *model.T) graphql.Marshaler {
			return ec.marshalOT2ᚖT(ctx, selections, v)
		},
		true, false)
}
func (ec *executionContext) fieldContext_T_child(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	fc = &graphql.FieldContext{Object: "T", Field: field}
	return fc, nil
}

func (ec *executionContext) marshalOString2ᚖstring(ctx context.Context, sel ast.SelectionSet, v *string) graphql.Marshaler {
	if v == nil {
		return graphql.Null
	}
	_ = sel
	_ = ctx
	res := graphql.MarshalString(*v)
	return res
}

func (ec *executionContext) marshalNString2string(ctx context.Context, sel ast.SelectionSet, v string) graphql.Marshaler {
	_ = sel
	res := graphql.MarshalString(v)
	if res == graphql.Null {
		graphql.AddInvalidNullFromMarshaler(ctx, "String!")
	}
	return res
}

func (ec *executionContext) marshalNFloat2float64(ctx context.Context, sel ast.SelectionSet, v float64) graphql.Marshaler {
	_ = sel
	res := graphql.MarshalFloatContext(v)
	if res == graphql.Null {
		graphql.AddInvalidNullFromMarshaler(ctx, "Float!")
	}
	return graphql.WrapContextMarshaler(ctx, res)
}

func (ec *executionContext) marshalOT2ᚖT(ctx context.Context, sel ast.SelectionSet, v *model.T) graphql.Marshaler {
	if v == nil {
		return graphql.Null
	}
	return ec._T(ctx, sel, v)
}
`

func fastPaths(t *testing.T, src string) (string, int) {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "generated.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	out, n := leafFastPaths(fset, file, []byte(src))
	if _, err := parser.ParseFile(token.NewFileSet(), "generated.go", out, 0); err != nil {
		t.Fatalf("rewritten source does not parse: %v\n%s", err, out)
	}
	return string(out), n
}

// body returns the text of one function, from its signature to the next func.
func body(src, name string) string {
	i := strings.Index(src, ") "+name+"(")
	if i < 0 {
		return ""
	}
	rest := src[i:]
	if j := strings.Index(rest[1:], "\nfunc "); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

func TestLeafFastPaths(t *testing.T) {
	out, n := fastPaths(t, fieldSource)
	if n != 2 {
		t.Errorf("fast paths = %d, want 2 (_T_ptr, _T_val)", n)
	}
	if b := body(out, "_T_ptr"); !strings.Contains(b, "if v := obj.Ptr; v != nil {\n\t\treturn ec.marshalOString2ᚖstring(ctx, field.Selections, v)\n\t}\n\treturn graphql.ResolveField(") {
		t.Errorf("pointer leaf: a set value is marshalled directly, a nil one keeps gqlgen's path:\n%s", b)
	}
	if b := body(out, "_T_val"); !strings.Contains(b, "{\n\treturn ec.marshalNString2string(ctx, field.Selections, obj.Val)\n}") || strings.Contains(b, "ResolveField") {
		t.Errorf("value leaf: marshalled directly:\n%s", b)
	}
	for _, name := range []string{"_T_method", "_T_list", "_T_float", "_T_child"} {
		if b := body(out, name); b != body(fieldSource, name) {
			t.Errorf("%s changed; a method getter, a list, a marshaller that keeps ctx and an object field keep gqlgen's path:\n%s", name, b)
		}
	}
	again, n2 := fastPaths(t, out)
	if again != out || n2 != n {
		t.Errorf("second run: changed=%v, count %d, want unchanged and %d", again != out, n2, n)
	}
}

// ifaceField is a field of interface type: gqlgen reports a nil one itself, so it keeps
// ResolveField.
const ifaceField = `
func (ec *executionContext) _T_iface(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_T_child(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return ec.Resolvers.T().Iface(ctx, obj)
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v model.Node) graphql.Marshaler {
			return ec.marshalONode2Node(ctx, selections, v)
		},
		true, false)
}

func (ec *executionContext) marshalONode2Node(ctx context.Context, sel ast.SelectionSet, v model.Node) graphql.Marshaler {
	if v == nil {
		return graphql.Null
	}
	return ec._Node(ctx, sel, v)
}
`

func TestDirectPaths(t *testing.T) {
	leaves, _ := fastPaths(t, fieldSource+ifaceField)
	rewrite := func(src string) (string, int) {
		t.Helper()
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "generated.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		out, n := directPaths(fset, file, []byte(src))
		formatted, err := format.Source(out)
		if err != nil {
			t.Fatalf("rewritten source does not format: %v\n%s", err, out)
		}
		return string(formatted), n
	}
	out, n := rewrite(leaves)
	if n != 5 {
		t.Errorf("direct paths = %d, want 5 (_T_ptr's nil, _T_method, _T_list, _T_float, _T_child)", n)
	}
	want := map[string]string{
		"_T_ptr": "if v := obj.Ptr; v != nil {\n\t\treturn ec.marshalOString2ᚖstring(ctx, field.Selections, v)\n\t}\n" +
			"\treturn resolveDirect(ctx, ec.OperationContext, field, ec.fieldContext_T_ptr, func(ctx context.Context) (*string, error) {\n\t\treturn obj.Ptr, nil\n\t}, ec.marshalOString2ᚖstring, true)\n}",
		"_T_method": "return resolveDirect(ctx, ec.OperationContext, field, ec.fieldContext_T_val, func(ctx context.Context) (string, error) {\n\t\treturn obj.Method(), nil\n\t}, ec.marshalNString2string, true)\n}",
		"_T_list":   "return resolveDirect(ctx, ec.OperationContext, field, ec.fieldContext_T_val, func(ctx context.Context) ([]string, error) {\n\t\treturn obj.List, nil\n\t}, ec.marshalNString2ᚕstringᚄ, true)\n}",
		"_T_float":  "return resolveDirect(ctx, ec.OperationContext, field, ec.fieldContext_T_val, func(ctx context.Context) (float64, error) {\n\t\treturn obj.Float, nil\n\t}, ec.marshalNFloat2float64, true)\n}",
		"_T_child":  "return resolveDirect(ctx, ec.OperationContext, field, ec.fieldContext_T_child, func(ctx context.Context) (*model.T, error) {\n\t\treturn obj.Child, nil\n\t}, ec.marshalOT2ᚖT, true)\n}",
	}
	for name, w := range want {
		if b := body(out, name); !strings.Contains(b, w) || strings.Contains(b, "ResolveField") {
			t.Errorf("%s:\n%s\nwant it to end\n%s", name, b, w)
		}
	}
	for _, name := range []string{"_T_val", "_T_iface"} {
		if b, was := body(out, name), body(leaves, name); strings.Contains(b, "resolveDirect") || (name == "_T_iface" && !strings.Contains(b, "graphql.ResolveField(")) || b == "" || was == "" {
			t.Errorf("%s: a value leaf on its fast path and an interface keep their path:\n%s", name, b)
		}
	}
	again, n2 := rewrite(out)
	if again != out || n2 != n {
		t.Errorf("second run: changed=%v, count %d, want unchanged and %d", again != out, n2, n)
	}
}
