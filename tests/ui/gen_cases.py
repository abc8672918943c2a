"""Writes the trybuild compile-fail cases in this directory (one per ASL-VAL rule and own check).

Run from tests/: python3 ui/gen_cases.py; then TRYBUILD=overwrite cargo test -p asl-tests --test ui
and review every new .stderr by eye before committing it.
"""
import json, os

def m(states, start="A", **top):
    d = dict(top)
    d.setdefault("StartAt", start)
    d["States"] = states
    return d

S = {"Type": "Succeed"}
CASES = [
 # name, ASL id / what, definition (dict or raw token text), options
 ("val01_not_an_object", "ASL-VAL-01: the definition must be a JSON object", "[1, 2]"),
 ("val01_trailing_comma", "ASL-VAL-01: malformed JSON (tokens)", '{"StartAt": "A", "States": {"A": {"Type": "Succeed",}}}'),
 ("val01_bare_word", "ASL-VAL-01: malformed JSON (tokens)", '{"StartAt": A, "States": {}}'),
 ("val02_missing_states", "ASL-VAL-02: States and StartAt are required", {"StartAt": "A"}),
 ("val02_missing_start_at", "ASL-VAL-02: States and StartAt are required", {"States": {"A": S}}),
 ("val03_start_at_unknown", "ASL-VAL-03: StartAt names a state", m({"A": S}, start="Missing")),
 ("val04_next_unknown", "ASL-VAL-04: Next names a state of the same scope", m({"A": {"Type": "Pass", "Next": "B"}})),
 ("own_path_regex_invalid", "own check: a JSONPath filter's regular expression must compile (the engine that runs it checks it at build time)", m({"A": {"Type": "Pass", "Parameters": {"x.$": "$.items[?(@.name =~ /(ab/)]"}, "End": True}})),
 ("val04_next_did_you_mean", "ASL-VAL-04: a misspelled Next gets the close state name as a help", m({"A": {"Type": "Pass", "Next": "Shipp"}, "Ship": S})),
 ("val04_default_unknown", "ASL-VAL-04: Choice Default", m({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "B"}], "Default": "Nope"}, "B": S})),
 ("val04_catch_next_unknown", "ASL-VAL-04: Catch Next", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Nope"}], "End": True}})),
 ("val04_next_out_of_branch", "ASL-VAL-04 / ASL-ST-06: no jumps out of a branch", m({"A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"}}}], "Next": "C"}, "C": S})),
 ("val05_unreachable", "ASL-VAL-05: every state reachable", m({"A": S, "Orphan": S})),
 ("val06_no_terminal_state", "ASL-VAL-06: a terminal state per scope", m({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}})),
 ("val07_duplicate_state_name", "ASL-VAL-07: names unique machine-wide", m({"A": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": S}}], "End": True}})),
 ("val07_duplicate_json_key", "ASL-VAL-07 / duplicate JSON keys are an error", '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Succeed"}}}'),
 ("val08_state_name_too_long", "ASL-VAL-08: names are at most 80 characters", m({"A" * 81: S}, start="A" * 81)),
 ("val09_unknown_type", "ASL-VAL-09: Type is one of the eight", m({"A": {"Type": "Sleep", "End": True}})),
 ("val10_unknown_field", "ASL-VAL-10: unknown field", m({"A": {"Type": "Pass", "Nxt": "B", "End": True}})),
 ("val10_field_of_other_type", "ASL-VAL-10: field not allowed on this type", m({"A": {"Type": "Pass", "Resource": "arn:aws:states:::lambda:invoke", "End": True}})),
 ("val10_timeout_on_parallel", "ASL-FLD-02: TimeoutSeconds is not supported on Parallel", m({"A": {"Type": "Parallel", "TimeoutSeconds": 5, "Branches": [{"StartAt": "B", "States": {"B": S}}], "End": True}})),
 ("val11_next_and_end", "ASL-VAL-11: Next and End are exclusive", m({"A": {"Type": "Pass", "Next": "B", "End": True}, "B": S})),
 ("val11_neither_next_nor_end", "ASL-VAL-11: Next or End is required", m({"A": {"Type": "Pass"}})),
 ("val11_end_on_succeed", "ASL-VAL-11: Succeed takes no End", m({"A": {"Type": "Succeed", "End": True}})),
 ("val12_missing_resource", "ASL-VAL-12: Task requires Resource", m({"A": {"Type": "Task", "End": True}})),
 ("val12_resource_not_an_arn", "ASL-VAL-12: Resource must be an ARN", m({"A": {"Type": "Task", "Resource": "my-function", "End": True}})),
 ("val12_unknown_integration", "ASL-VAL-12: optimised integration action must exist", m({"Query": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:query", "End": True}}, start="Query")),
 ("val13_timeout_and_path", "ASL-VAL-13: TimeoutSeconds xor TimeoutSecondsPath", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": True}})),
 ("val13_error_and_error_path", "ASL-VAL-13: Error xor ErrorPath", m({"A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}})),
 ("val13_wait_two_durations", "ASL-VAL-13: Wait has exactly one duration", m({"A": {"Type": "Wait", "Seconds": 5, "SecondsPath": "$.s", "End": True}})),
 ("val13_max_concurrency_and_path", "ASL-VAL-13: MaxConcurrency xor MaxConcurrencyPath", m({"A": {"Type": "Map", "MaxConcurrency": 2, "MaxConcurrencyPath": "$.c", "ItemProcessor": {"StartAt": "B", "States": {"B": S}}, "End": True}})),
 ("val13_iterator_and_item_processor", "ASL-FLD-03: Iterator xor ItemProcessor", m({"A": {"Type": "Map", "Iterator": {"StartAt": "B", "States": {"B": S}}, "ItemProcessor": {"StartAt": "C", "States": {"C": S}}, "End": True}})),
 ("val14_heartbeat_not_below_timeout", "ASL-VAL-14: HeartbeatSeconds < TimeoutSeconds", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 10, "HeartbeatSeconds": 10, "End": True}})),
 ("val15_empty_choices", "ASL-VAL-15: Choices is non-empty", m({"A": {"Type": "Choice", "Choices": [], "Default": "B"}, "B": S})),
 ("val15_no_operator", "ASL-VAL-15: a data-test rule needs an operator", m({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "Next": "B"}]}, "B": S})),
 ("val15_two_operators", "ASL-VAL-15: exactly one operator", m({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": "a", "IsPresent": True, "Next": "B"}]}, "B": S})),
 ("val15_next_in_nested_rule", "ASL-VAL-15: nested rules have no Next", m({"A": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.x", "IsNull": True, "Next": "B"}, "Next": "B"}]}, "B": S})),
 ("val15_rule_without_next", "ASL-VAL-15: top-level rules need Next", m({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "End": True}], "Default": "B"}, "B": S})),
 ("val15_empty_and", "ASL-CH-04: And is a non-empty array", m({"A": {"Type": "Choice", "Choices": [{"And": [], "Next": "B"}]}, "B": S})),
 ("val16_retry_on_pass", "ASL-VAL-16: Retry only on Task, Parallel, Map", m({"A": {"Type": "Pass", "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": True}})),
 ("val16_states_all_not_last", "ASL-VAL-16: States.ALL in the last retrier", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["Custom"]}], "End": True}})),
 ("val16_states_all_not_alone", "ASL-VAL-16: States.ALL alone", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["States.ALL", "Custom"], "Next": "B"}], "End": True}, "B": S})),
 ("val16_empty_error_equals", "ASL-VAL-16: ErrorEquals non-empty", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": []}], "End": True}})),
 ("val16_backoff_rate_below_one", "ASL-VAL-16: BackoffRate >= 1", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["E"], "BackoffRate": 0.5}], "End": True}})),
 ("val16_bad_jitter", "ASL-VAL-16: JitterStrategy FULL or NONE", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["E"], "JitterStrategy": "HALF"}], "End": True}})),
 ("val16_catcher_without_next", "ASL-VAL-16: a catcher needs Next", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["E"]}], "End": True}})),
 ("val17_bad_input_path", "ASL-VAL-17: InputPath is a JSONPath", m({"A": {"Type": "Pass", "InputPath": "bug$.library", "End": True}})),
 ("val17_result_path_context", "ASL-PATH-09: ResultPath cannot write the context object", m({"A": {"Type": "Pass", "ResultPath": "$$.Execution", "End": True}})),
 ("val17_result_path_variable", "ASL-PATH-09: ResultPath cannot name a variable", m({"A": {"Type": "Pass", "ResultPath": "$foo", "End": True}})),
 ("val17_items_path_not_reference", "ASL-PATH-08: ItemsPath is a reference path", m({"A": {"Type": "Map", "ItemsPath": "$.items[*]", "ItemProcessor": {"StartAt": "B", "States": {"B": S}}, "End": True}})),
 ("val17_dollar_value_not_a_path", "ASL-PT-03: a .$ value is a path or an intrinsic", m({"A": {"Type": "Pass", "Parameters": {"lorem.$": "ipsum"}, "End": True}})),
 ("val17_dollar_value_not_a_string", "ASL-PT-03: a .$ value is a string", m({"A": {"Type": "Pass", "Parameters": {"n.$": 5}, "End": True}})),
 ("val17_payload_key_collision", "ASL-PT-05: keys unique after stripping .$", m({"A": {"Type": "Pass", "Parameters": {"a": 1, "a.$": "$.x"}, "End": True}})),
 ("val17_unknown_intrinsic", "ASL-FN-00b: unknown intrinsic function", m({"A": {"Type": "Pass", "Parameters": {"x.$": "States.Frobnicate($.x)"}, "End": True}})),
 ("val17_intrinsic_arity", "ASL-FN-16: MathAdd takes two arguments", m({"A": {"Type": "Pass", "Parameters": {"x.$": "States.MathAdd($.x)"}, "End": True}})),
 ("val17_intrinsic_literal_type", "ASL-FN-16: MathAdd takes numbers", m({"A": {"Type": "Pass", "Parameters": {"x.$": "States.MathAdd('-1', 1)"}, "End": True}})),
 ("val17_intrinsic_unterminated", "ASL-FN-00c: intrinsic syntax", m({"A": {"Type": "Pass", "Parameters": {"x.$": "States.Format('a {}', $.x"}, "End": True}})),
 ("val17_variable_is_intrinsic", "ASL-CH-05: Variable is a path", m({"A": {"Type": "Choice", "Choices": [{"Variable": "States.Array($.x)", "IsPresent": True, "Next": "B"}]}, "B": S})),
 ("val18_fail_error_path_not_string", "ASL-VAL-18: ErrorPath intrinsic must return a string", m({"A": {"Type": "Fail", "ErrorPath": "States.MathAdd($.a, 1)"}})),
 ("val18_fail_cause_path_word", "ASL-VAL-18: CausePath is a path or intrinsic", m({"A": {"Type": "Fail", "CausePath": "Cause"}})),
 ("val19_empty_branches", "ASL-VAL-19: Branches non-empty", m({"A": {"Type": "Parallel", "Branches": [], "End": True}})),
 ("val19_branch_missing_states", "ASL-VAL-19: a branch has StartAt and States", m({"A": {"Type": "Parallel", "Branches": [{"StartAt": "B"}], "End": True}})),
 ("val20_map_without_processor", "ASL-VAL-20: Map needs ItemProcessor", m({"A": {"Type": "Map", "End": True}})),
 ("val20_distributed_without_execution_type", "ASL-VAL-20: Distributed Map needs ExecutionType", m({"A": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "B", "States": {"B": S}}, "End": True}})),
 ("val20_item_batcher_without_limit", "ASL-VAL-20: ItemBatcher needs a limit", m({"A": {"Type": "Map", "ItemBatcher": {"BatchInput": {"a": 1}}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": S}}, "End": True}})),
 ("val20_label_too_long", "ASL-VAL-20 / ASL-DMAP-06: Label at most 40 characters", m({"A": {"Type": "Map", "Label": "L" * 41, "ItemProcessor": {"StartAt": "B", "States": {"B": S}}, "End": True}})),
 ("val20_duplicate_label", "ASL-VAL-20: Labels unique", m({"A": {"Type": "Map", "Label": "L", "ItemProcessor": {"StartAt": "B", "States": {"B": S}}, "Next": "C"}, "C": {"Type": "Map", "Label": "L", "ItemProcessor": {"StartAt": "D", "States": {"D": S}}, "End": True}})),
 ("val20_tolerated_percentage_range", "ASL-DMAP-05: ToleratedFailurePercentage 0..100", m({"A": {"Type": "Map", "ToleratedFailurePercentage": 105, "ItemProcessor": {"StartAt": "B", "States": {"B": S}}, "End": True}})),
 ("val21_credentials_without_role_arn", "ASL-VAL-21: Credentials need RoleArn", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Credentials": {}, "End": True}})),
 ("val22_jsonpath_field_in_jsonata_state", "ASL-VAL-22 / ASL-FLD-01: Parameters in a JSONata state", m({"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Parameters": {"a": 1}, "End": True}})),
 ("val22_jsonata_field_in_jsonpath_state", "ASL-FLD-01: Output in a JSONPath state", m({"A": {"Type": "Pass", "Output": {"a": 1}, "End": True}})),
 ("val22_downgrade_query_language", "ASL-VAL-22: a JSONata machine has no JSONPath state", m({"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}}, QueryLanguage="JSONata")),
 ("val23_jsonata_syntax", "ASL-VAL-23: JSONata must parse", m({"A": {"Type": "Pass", "Output": "{% 10 + * 2 %}", "End": True}}, QueryLanguage="JSONata")),
 ("val23_jsonata_unclosed", "ASL-VAL-23: {% must close with %}", m({"A": {"Type": "Pass", "Output": "{% $states.input", "End": True}}, QueryLanguage="JSONata")),
 ("val23_states_result_in_pass", "ASL-JA-04: $states.result only in Task/Parallel/Map Output and Assign", m({"A": {"Type": "Pass", "Output": "{% $states.result %}", "End": True}}, QueryLanguage="JSONata")),
 ("val23_implicit_input", "ASL-JA-05: no implicit input document", m({"A": {"Type": "Pass", "Output": "{% order.total %}", "End": True}}, QueryLanguage="JSONata")),
 ("val24_bad_variable_name", "ASL-VAL-24: variable names are identifiers", m({"A": {"Type": "Pass", "Assign": {"a.b": 1}, "End": True}})),
 ("val24_reserved_variable_name", "ASL-VAL-24: 'states' is reserved", m({"A": {"Type": "Pass", "Assign": {"states": 1}, "End": True}})),
 ("val24_variable_reassigned_in_branch", "ASL-VAR-07: no reassigning an outer variable inside", m({"A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "P"}, "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"x": 2}, "End": True}}}], "End": True}})),
 ("val25_express_sync", "ASL-VAL-25: Express machines have no .sync", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "End": True}}), "#[asl(express)]"),
 ("val25_express_activity", "ASL-VAL-25: Express machines have no activities", m({"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:work", "End": True}}), "#[asl(express)]"),
 ("val27_timeout_zero", "ASL-VAL-27: TimeoutSeconds is positive", m({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 0, "End": True}})),
 ("val27_machine_timeout_not_integer", "ASL-VAL-27: TimeoutSeconds is an integer", m({"A": S}, TimeoutSeconds=1.5)),
 ("wt02_negative_seconds", "ASL-WT-02: Seconds 0..99999999", m({"A": {"Type": "Wait", "Seconds": -1, "End": True}})),
 ("wt05_bad_timestamp", "ASL-WT-05: Timestamp is RFC 3339", m({"A": {"Type": "Wait", "Timestamp": "2016-12-05T21:29:29", "End": True}})),
 ("val15_operand_type", "ASL-VAL-15: NumericEquals compares with a number (SCHEMA_VALIDATION_FAILED; the invalid rule's Next still counts, so B is reachable)", m({"A": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": "5", "Next": "B"}]}, "B": S})),
 ("val15_timestamp_operand", "ASL-VAL-15: a Timestamp operand must be a timestamp", m({"A": {"Type": "Choice", "Choices": [{"Variable": "$.t", "TimestampLessThan": "yesterday", "Next": "B"}]}, "B": S})),
 ("own_string_matches_escape", "ASL-CH-07: only \\* and \\\\ escapes in StringMatches", m({"A": {"Type": "Choice", "Choices": [{"Variable": "$.s", "StringMatches": "a\\?b", "Next": "B"}]}, "B": S})),
 ("own_path_operand_not_reference", "ASL-CHOP: ...Path operands are reference paths", m({"A": {"Type": "Choice", "Choices": [{"Variable": "$.s", "StringEqualsPath": "$.a[*]", "Next": "B"}]}, "B": S})),
 ("own_task_method_collision", "own check: two Task states wanting one handler method: a warning, and the second's method is charge_card_2 (a handler without it does not compile)", m({"Charge card": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "charge-card"}, "charge-card": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}}, start="Charge card"), "", "struct H;\n\nimpl machine::Handler for H {\n    async fn charge_card(&self, input: asl_runtime::Value, _: asl_runtime::TaskContext) -> asl_runtime::TaskResult {\n        Ok(input)\n    }\n}\n"),
 ("own_method_name_not_a_task", "own check: a handler method name can be chosen only for a Task state of the machine", m({"A": {"Type": "Pass", "End": True}}), '#[asl(methods("A" = a, "Missing" = b))]'),
 ("own_single_operand_denied", "own check: And with one rule (a warning, denied here)", m({"A": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.x", "IsPresent": True}], "Next": "B"}]}, "B": S}), "", "#![deny(deprecated)]"),
 ("own_no_dollar_denied", "ASL-VAL-28: NO_DOLLAR (a warning, denied here)", m({"A": {"Type": "Pass", "Parameters": {"x": "$.y"}, "End": True}}), "", "#![deny(deprecated)]"),
]

here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "fail"), exist_ok=True)
for case in CASES:
    name, what, d = case[0], case[1], case[2]
    attr = case[3] if len(case) > 3 else ""
    inner = case[4] if len(case) > 4 else ""
    body = d if isinstance(d, str) else json.dumps(d, indent=4)
    body = "\n".join("    " + l if i else l for i, l in enumerate(body.splitlines()))
    src = f"// {what}\n{inner}\nasl_runtime::asl! {{\n    {attr}\n    pub Machine = {body}\n}}\n\nfn main() {{}}\n"
    src = src.replace("\n\n\n", "\n\n").replace("{\n    \n", "{\n")
    if inner == "":
        src = src.replace(f"// {what}\n\n", f"// {what}\n")
    with open(os.path.join(here, "fail", name + ".rs"), "w") as f:
        f.write(src)
print(len(CASES), "cases")
