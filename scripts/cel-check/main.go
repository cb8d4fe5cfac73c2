// Compiles the matchConditions of the webhook configurations with the Kubernetes API server's own
// CEL environment (k8s.io/apiserver, the compiler the API server uses for admission webhooks), so a
// syntax or type error is found before a cluster refuses the configuration, and evaluates them with
// its matcher on CREATE and UPDATE cases (metadata-only UPDATEs must not call the webhook).
//
//	kubectl kustomize deploy/base > /tmp/base.yaml
//	cd scripts/cel-check && go run . /tmp/base.yaml
//
// Not part of `npm test` (it needs Go and the k8s.io modules); see docs/operations.md.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/admission/plugin/webhook/matchconditions"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/cel/environment"
	"sigs.k8s.io/yaml"
)

// Each case: does the webhook get called? Metadata-only UPDATEs must not reach it; changes of the
// spec or of the keys the server reads (src/checks/update.ts) must.
type evalCase struct {
	name      string
	operation admission.Operation
	old, obj  map[string]interface{}
	want      bool
}

func es(spec string, labels, annotations map[string]interface{}, extra map[string]interface{}) map[string]interface{} {
	meta := map[string]interface{}{"name": "db", "namespace": "apps"}
	if labels != nil {
		meta["labels"] = labels
	}
	if annotations != nil {
		meta["annotations"] = annotations
	}
	for k, v := range extra {
		meta[k] = v
	}
	return map[string]interface{}{
		"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "metadata": meta,
		"spec": map[string]interface{}{"secretStoreRef": map[string]interface{}{"name": spec}},
	}
}

func cases() []evalCase {
	base := es("vault", nil, nil, nil)
	return []evalCase{
		{"CREATE", admission.Create, nil, base, true},
		{"UPDATE, nothing changed", admission.Update, base, es("vault", nil, nil, nil), false},
		{"UPDATE, finalizer added", admission.Update, base, es("vault", nil, nil, map[string]interface{}{"finalizers": []interface{}{"x/y"}}), false},
		{"UPDATE, Argo CD tracking annotation and label", admission.Update, base, es("vault", map[string]interface{}{"app.kubernetes.io/instance": "a"}, map[string]interface{}{"argocd.argoproj.io/tracking-id": "a:x/ExternalSecret:apps/db"}, nil), false},
		{"UPDATE, spec changed", admission.Update, base, es("other", nil, nil, nil), true},
		{"UPDATE, mode annotation added", admission.Update, base, es("vault", nil, map[string]interface{}{"eso-vault-guard.io/mode": "warn"}, nil), true},
		{"UPDATE, mode annotation removed", admission.Update, es("vault", nil, map[string]interface{}{"eso-vault-guard.io/mode": "warn"}, nil), base, true},
		{"UPDATE, skip-codes changed", admission.Update, es("vault", nil, map[string]interface{}{"eso-vault-guard.io/skip-codes": "A"}, nil), es("vault", nil, map[string]interface{}{"eso-vault-guard.io/skip-codes": "B"}, nil), true},
		{"UPDATE, skip label removed", admission.Update, es("vault", map[string]interface{}{"eso-vault-guard.io/skip": "true"}, nil, nil), base, true},
	}
}

func evaluate(compiler cel.ConditionCompiler, kind, hook string, conditions []cel.ExpressionAccessor) int {
	failurePolicy := admissionregistrationv1.Fail
	matcher := matchconditions.NewMatcher(compiler.CompileCondition(conditions, cel.OptionalVariableDeclarations{HasParams: false, HasAuthorizer: true}, environment.StoredExpressions), &failurePolicy, "webhook", "validate", hook)
	gvk := schema.GroupVersionKind{Group: "external-secrets.io", Version: "v1", Kind: "ExternalSecret"}
	gvr := schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"}
	failed := 0
	for _, c := range cases() {
		obj := &unstructured.Unstructured{Object: c.obj}
		var old *unstructured.Unstructured
		attrs := admission.NewAttributesRecord(obj, nil, gvk, "apps", "db", gvr, "", c.operation, nil, false, &user.DefaultInfo{Name: "alice"})
		versioned := &admission.VersionedAttributes{Attributes: attrs, VersionedObject: obj, VersionedKind: gvk}
		if c.old != nil {
			old = &unstructured.Unstructured{Object: c.old}
			attrs = admission.NewAttributesRecord(obj, old, gvk, "apps", "db", gvr, "", c.operation, nil, false, &user.DefaultInfo{Name: "alice"})
			versioned = &admission.VersionedAttributes{Attributes: attrs, VersionedObject: obj, VersionedOldObject: old, VersionedKind: gvk}
		}
		result := matcher.Match(context.Background(), versioned, nil, nil)
		if result.Error != nil || result.Matches != c.want {
			failed++
			fmt.Printf("%s %s: %s: calls the webhook %v, want %v (error %v)\n", kind, hook, c.name, result.Matches, c.want, result.Error)
		}
	}
	return failed
}

type webhookConfig struct {
	Kind     string `json:"kind"`
	Webhooks []struct {
		Name            string `json:"name"`
		MatchConditions []struct {
			Name       string `json:"name"`
			Expression string `json:"expression"`
		} `json:"matchConditions"`
	} `json:"webhooks"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cel-check <rendered manifests.yaml>")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	compiler := cel.NewCompiler(environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()))
	conditionCompiler := cel.NewConditionCompiler(environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()))
	checked, failed := 0, 0
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		var cfg webhookConfig
		if err := yaml.Unmarshal(doc, &cfg); err != nil && err != io.EOF {
			panic(err)
		}
		for _, hook := range cfg.Webhooks {
			var conditions []cel.ExpressionAccessor
			for _, mc := range hook.MatchConditions {
				conditions = append(conditions, &matchconditions.MatchCondition{Name: mc.Name, Expression: mc.Expression})
				res := compiler.CompileCELExpression(&matchconditions.MatchCondition{Name: mc.Name, Expression: mc.Expression},
					cel.OptionalVariableDeclarations{HasParams: false, HasAuthorizer: true}, environment.StoredExpressions)
				checked++
				if res.Error != nil {
					failed++
					fmt.Printf("%s %s %s: %v\n", cfg.Kind, hook.Name, mc.Name, res.Error)
				} else if res.OutputType == nil || res.OutputType.String() != "bool" {
					failed++
					fmt.Printf("%s %s %s: returns %v, not bool\n", cfg.Kind, hook.Name, mc.Name, res.OutputType)
				} else {
					fmt.Printf("%s %s %s: compiles\n", cfg.Kind, hook.Name, mc.Name)
				}
			}
			if len(conditions) > 0 {
				n := evaluate(conditionCompiler, cfg.Kind, hook.Name, conditions)
				failed += n
				fmt.Printf("%s %s: %d of %d cases as expected\n", cfg.Kind, hook.Name, len(cases())-n, len(cases()))
			}
		}
	}
	if checked == 0 || failed > 0 {
		fmt.Printf("%d checked, %d failed\n", checked, failed)
		os.Exit(1)
	}
}
