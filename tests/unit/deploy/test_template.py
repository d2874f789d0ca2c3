"""The AWS CloudFormation template: cfn-lint finds nothing, and it says what the code assumes."""

import dataclasses
import importlib
import inspect
import io
import json
import logging
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode

from apps.read_model_updater import lambda_handler
from infrastructure.crypto import local_kek_refusal
from infrastructure.logging import JsonFormatter
from infrastructure.settings import Settings
from infrastructure.stream_consumer.record_handler import BatchOutcome, FailureKind, RecordFailure
from interface_adapter.event_store.dynamodb_tables import (
    journal_table_definition,
    key_table_definition,
    snapshot_table_definition,
)
from interface_adapter.personal_data.dynamodb_data_keys import CONTEXT_KEY
from interface_adapter.stream import lambda_batch

pytestmark = pytest.mark.unit

TEMPLATE = Path(__file__).resolve().parents[3] / "deploy" / "aws" / "template.yaml"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded, problems = decode(str(TEMPLATE))
    assert not problems, problems
    assert loaded is not None
    return dict(loaded)


def resources(template: Mapping[str, Any], kind: str) -> dict[str, Mapping[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


def the_one(template: Mapping[str, Any], kind: str) -> Mapping[str, Any]:
    found = resources(template, kind)
    assert len(found) == 1, sorted(found)
    return next(iter(found.values()))


def test_cfn_lint_reports_nothing_not_even_informational() -> None:
    linted = subprocess.run(
        [str(CFN_LINT), str(TEMPLATE), "--include-checks", "I", "--format", "parseable"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert linted.stdout == ""


def test_the_tables_are_the_ones_the_code_creates_locally(template: Mapping[str, Any]) -> None:
    journal = template["Resources"]["JournalTable"]["Properties"]
    snapshot = template["Resources"]["SnapshotTable"]["Properties"]
    for declared, local in (
        (journal, journal_table_definition("journal")),
        (snapshot, snapshot_table_definition("snapshot")),
    ):
        assert declared["KeySchema"] == local["KeySchema"]
        assert declared["AttributeDefinitions"] == local["AttributeDefinitions"]
        assert declared["BillingMode"] == local["BillingMode"] == "PAY_PER_REQUEST"
        assert declared["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert journal["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert "StreamSpecification" not in snapshot


def test_the_key_table_is_the_one_create_tables_makes_with_a_short_recovery_window(
    template: Mapping[str, Any],
) -> None:
    declared = template["Resources"]["KeyTable"]["Properties"]
    local = key_table_definition("user_account_keys")

    assert declared["KeySchema"] == local["KeySchema"]
    assert declared["AttributeDefinitions"] == local["AttributeDefinitions"]
    assert declared["BillingMode"] == local["BillingMode"] == "PAY_PER_REQUEST"
    assert "StreamSpecification" not in declared  # no copy of a key in a stream for 24 h
    # PITR on (an accident can be undone), its window the erasure delay (docs/deployment.md).
    assert declared["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True,
        "RecoveryPeriodInDays": {"Ref": "KeyTableRecoveryDays"},
    }
    window = template["Parameters"]["KeyTableRecoveryDays"]
    assert (window["MinValue"], window["Default"], window["MaxValue"]) == (1, 7, 35)


def test_the_kms_key_rotates_and_only_the_writers_may_use_it_naming_the_account(
    template: Mapping[str, Any],
) -> None:
    key = template["Resources"]["DataKeyKmsKey"]["Properties"]
    assert key["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert key["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert key["EnableKeyRotation"] is True
    uses: dict[str, set[str]] = {}
    for statement in key["KeyPolicy"]["Statement"]:
        assert statement["Effect"] == "Allow"
        principal = statement["Principal"]["AWS"]
        actions = statement["Action"]
        actions = {actions} if isinstance(actions, str) else set(actions)
        if principal == {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}:
            # Administers, never uses: no IAM policy can grant a use of this key.
            assert not {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:*"} & actions
            assert not [a for a in actions if a.startswith(("kms:ReEncrypt", "kms:Generate"))]
            continue
        assert statement["Condition"] == {
            "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": [CONTEXT_KEY]},
            "Null": {"kms:EncryptionContextKeys": "false"},
        }
        uses[principal["Fn::GetAtt"][0]] = actions
    assert uses == {
        "CommandApiTaskRole": {"kms:Encrypt", "kms:Decrypt"},
        "UpdaterRole": {"kms:Decrypt"},
    }


def test_the_event_store_outlives_the_stack(template: Mapping[str, Any]) -> None:
    for name in ("JournalTable", "SnapshotTable", "KeyTable", "DataKeyKmsKey"):
        resource = template["Resources"][name]
        assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"
        if resource["Type"] == "AWS::DynamoDB::Table":
            assert resource["Properties"]["DeletionProtectionEnabled"] is True


def test_the_function_runs_the_projects_handler(template: Mapping[str, Any]) -> None:
    function = the_one(template, "AWS::Lambda::Function")
    module_name, _, function_name = function["Handler"].rpartition(".")
    handler = getattr(importlib.import_module(module_name), function_name)
    assert handler is lambda_handler.handler
    assert list(inspect.signature(handler).parameters) == ["event", "context"]
    # The zip carries CPython extension modules for the project's Python (pyproject, mypy).
    assert function["Runtime"] == "python3.11"


def test_the_function_and_the_tasks_set_only_variables_the_code_reads(
    template: Mapping[str, Any],
) -> None:
    known = {field.name.upper() for field in dataclasses.fields(Settings)}
    function_env = the_one(template, "AWS::Lambda::Function")["Environment"]["Variables"]
    assert set(function_env) <= known
    assert function_env["DYNAMODB_ENDPOINT_URL"] == ""  # real AWS, not the local default
    assert "resolve:secretsmanager" in str(function_env["DATABASE_URL"])
    for task in resources(template, "AWS::ECS::TaskDefinition").values():
        (container,) = task["ContainerDefinitions"]
        names = {v["Name"] for v in container["Environment"]}
        names |= {s["Name"] for s in container.get("Secrets", [])}
        assert names <= known, names - known


def test_the_stream_mapping_keeps_order_and_reports_partial_failures(
    template: Mapping[str, Any],
) -> None:
    mapping = the_one(template, "AWS::Lambda::EventSourceMapping")
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["JournalTable", "StreamArn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["ParallelizationFactor"] == 1
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    for bounded in ("BatchSize", "MaximumBatchingWindowInSeconds", "MaximumRetryAttempts"):
        assert bounded in mapping
    # Deleted and recreated (at TRIM_HORIZON) through a parameter, for read-model rebuilds.
    condition = template["Resources"]["UpdaterEventSourceMapping"]["Condition"]
    assert template["Conditions"][condition] == {
        "Fn::Equals": [{"Ref": "StreamMappingEnabled"}, "true"]
    }
    assert template["Parameters"]["StreamMappingEnabled"]["Default"] == "true"
    destination = mapping["DestinationConfig"]["OnFailure"]["Destination"]
    assert destination == {"Fn::GetAtt": ["UpdaterFailureQueue", "Arn"]}
    assert template["Resources"]["UpdaterFailureQueue"]["Type"] == "AWS::SQS::Queue"


def statements(role: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        statement
        for policy in role.get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def granted(role: Mapping[str, Any]) -> dict[str, set[str]]:
    """Action → the resources (as written) it is granted on."""
    grants: dict[str, set[str]] = {}
    for statement in statements(role):
        assert statement["Effect"] == "Allow"
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            grants.setdefault(action, set()).add(repr(statement["Resource"]))
    return grants


def test_the_command_api_may_only_append_and_load(template: Mapping[str, Any]) -> None:
    role = template["Resources"]["CommandApiTaskRole"]["Properties"]
    journal = repr({"Fn::GetAtt": ["JournalTable", "Arn"]})
    snapshot = repr({"Fn::GetAtt": ["SnapshotTable", "Arn"]})
    keys = repr({"Fn::GetAtt": ["KeyTable", "Arn"]})
    # TransactWriteItems is authorised per Put as dynamodb:PutItem (it has no action of its own).
    assert granted(role) == {
        "dynamodb:PutItem": {journal, snapshot, keys},
        "dynamodb:Query": {journal},
        "dynamodb:DescribeTable": {journal},
        "dynamodb:GetItem": {snapshot, keys},
        "dynamodb:DeleteItem": {keys},
    }
    assert "ManagedPolicyArns" not in role


def test_the_query_api_tasks_have_no_aws_permissions(template: Mapping[str, Any]) -> None:
    task = template["Resources"]["QueryApiTaskDefinition"]["Properties"]
    assert "TaskRoleArn" not in task


def test_the_updater_may_only_read_the_stream_and_query_the_journal(
    template: Mapping[str, Any],
) -> None:
    grants = granted(template["Resources"]["UpdaterRole"]["Properties"])
    stream = repr({"Fn::GetAtt": ["JournalTable", "StreamArn"]})
    dynamodb = {action: where for action, where in grants.items() if action.startswith("dynamodb")}
    assert dynamodb == {
        "dynamodb:DescribeStream": {stream},
        "dynamodb:GetRecords": {stream},
        "dynamodb:GetShardIterator": {stream},
        "dynamodb:ListStreams": {repr({"Fn::Sub": "${JournalTable.Arn}/stream/*"})},
        "dynamodb:Query": {repr({"Fn::GetAtt": ["JournalTable", "Arn"]})},
        "dynamodb:GetItem": {repr({"Fn::GetAtt": ["KeyTable", "Arn"]})},
        "dynamodb:DeleteItem": {repr({"Fn::GetAtt": ["KeyTable", "Arn"]})},
    }
    assert grants["sqs:SendMessage"] == {repr({"Fn::GetAtt": ["UpdaterFailureQueue", "Arn"]})}
    # Only the VPC network interface actions, which EC2 cannot scope, are granted on "*".
    everywhere = {action for action, where in grants.items() if repr("*") in where}
    assert everywhere
    assert all(action.startswith("ec2:") for action in everywhere)


def test_no_role_grants_a_wildcard_action(template: Mapping[str, Any]) -> None:
    for role in resources(template, "AWS::IAM::Role").values():
        for action in granted(role):
            assert "*" not in action, action


def test_each_api_is_served_behind_its_own_listener_with_a_readiness_check(
    template: Mapping[str, Any],
) -> None:
    listeners = resources(template, "AWS::ElasticLoadBalancingV2::Listener")
    assert sorted(listener["Port"] for listener in listeners.values()) == [50501, 50502]
    groups = resources(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert {g["HealthCheckPath"] for g in groups.values()} == {"/api/health/ready"}
    rules = resources(template, "AWS::ElasticLoadBalancingV2::ListenerRule")
    forwarded = {}
    for rule in rules.values():
        (condition,) = rule["Conditions"]
        assert condition["PathPatternConfig"]["Values"] == ["/api/*"]
        (action,) = rule["Actions"]
        forwarded[rule["ListenerArn"]["Ref"]] = action["TargetGroupArn"]["Ref"]
    assert forwarded == {
        "CommandApiListener": "CommandApiTargetGroup",
        "QueryApiListener": "QueryApiTargetGroup",
    }


def test_both_services_scale_on_cpu(template: Mapping[str, Any]) -> None:
    services = resources(template, "AWS::ECS::Service")
    commands = {
        task["ContainerDefinitions"][0]["Command"][0]
        for task in resources(template, "AWS::ECS::TaskDefinition").values()
    }
    assert commands == {"apps.command_api", "apps.query_api"}
    targets = resources(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    scaled = {target["ResourceId"]["Fn::Sub"].rsplit("${", 1)[1] for target in targets.values()}
    assert scaled == {f"{name}.Name}}" for name in services}
    policies = resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    metrics = {
        p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]
        for p in policies.values()
    }
    assert metrics == {"ECSServiceAverageCPUUtilization"}
    assert len(policies) == len(services) == 2


def test_the_outputs_name_what_operators_need(template: Mapping[str, Any]) -> None:
    assert {
        "CommandApiUrl",
        "QueryApiUrl",
        "JournalTableName",
        "SnapshotTableName",
        "JournalStreamArn",
        "KeyTableName",
        "DataKeyKmsKeyArn",
    } <= set(template["Outputs"])


# Stand-ins for what CloudFormation resolves at deployment, to read the tasks' settings back.
DEPLOYED = {
    "AWS::Region": "ap-northeast-1",
    "UserPool": "ap-northeast-1_AbCdEf123",
    "UserPoolClient": "1example23456789clientid",
    "AdminGroup": "accounts-admin",
    "SnapshotInterval": "100",
    "KeyTable": "pcqrses-user-account-keys",
    "KeyCacheSeconds": "60",
    "DataKeyKmsKey.Arn": "arn:aws:kms:ap-northeast-1:123456789012:key/"
    "1234abcd-12ab-34cd-56ef-1234567890ab",
}
ISSUER = "https://cognito-idp.ap-northeast-1.amazonaws.com/ap-northeast-1_AbCdEf123"


def deployed(value: Any) -> str:
    """`value` as CloudFormation would resolve it with DEPLOYED (a Ref, a Sub, or a string)."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return DEPLOYED.get(value["Ref"], f"<{value['Ref']}>")
    if "Fn::GetAtt" in value:
        name = ".".join(value["Fn::GetAtt"])
        return DEPLOYED.get(name, f"<{name}>")
    text = str(value["Fn::Sub"])
    for name, resolved in DEPLOYED.items():
        text = text.replace("${" + name + "}", resolved)
    return text


def task_environment(template: Mapping[str, Any], name: str) -> dict[str, str]:
    (container,) = template["Resources"][name]["Properties"]["ContainerDefinitions"]
    return {v["Name"]: deployed(v["Value"]) for v in container["Environment"]}


@pytest.mark.parametrize(
    ("task", "host"),
    [
        ("CommandApiTaskDefinition", "command_api_host"),
        ("QueryApiTaskDefinition", "query_api_host"),
    ],
)
def test_the_apis_require_tokens_of_the_stacks_user_pool(
    template: Mapping[str, Any], task: str, host: str
) -> None:
    environment = task_environment(template, task)

    settings = Settings.from_env(environment)  # a valid jwt configuration, as the app reads it

    assert getattr(settings, host) == "0.0.0.0"  # not loopback: protected mode needs jwt here
    assert settings.auth_mode == "jwt"
    assert settings.auth_allow_anonymous is False
    assert settings.auth_issuer == ISSUER
    assert settings.auth_audience == DEPLOYED["UserPoolClient"]
    assert settings.auth_jwks_url == f"{ISSUER}/.well-known/jwks.json"
    assert settings.auth_jwks_file is None
    assert settings.auth_admin_group == "accounts-admin"


def test_the_user_pool_outlives_the_stack_and_only_operators_add_users(
    template: Mapping[str, Any],
) -> None:
    resource = template["Resources"]["UserPool"]
    assert resource["Type"] == "AWS::Cognito::UserPool"
    # The owners of accounts are the pool's subjects: a new pool would orphan every account.
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"
    assert resource["Properties"]["DeletionProtection"] == "ACTIVE"
    assert resource["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_the_app_client_is_the_audience_and_the_group_makes_admins(
    template: Mapping[str, Any],
) -> None:
    client = the_one(template, "AWS::Cognito::UserPoolClient")
    assert client["UserPoolId"] == {"Ref": "UserPool"}
    assert client["GenerateSecret"] is False  # public: the CLI signs in without a secret hash
    assert "ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]  # docs/deployment.md
    group = the_one(template, "AWS::Cognito::UserPoolGroup")
    assert group["UserPoolId"] == {"Ref": "UserPool"}
    assert group["GroupName"] == Settings().auth_admin_group == "accounts-admin"
    outputs = template["Outputs"]
    assert outputs["UserPoolId"]["Value"] == {"Ref": "UserPool"}
    assert outputs["UserPoolClientId"]["Value"] == {"Ref": "UserPoolClient"}
    assert deployed(outputs["TokenIssuer"]["Value"]) == ISSUER


@pytest.mark.parametrize(
    "environment",
    [
        lambda template: task_environment(template, "CommandApiTaskDefinition"),
        lambda template: {
            name: deployed(value)
            for name, value in the_one(template, "AWS::Lambda::Function")["Environment"][
                "Variables"
            ].items()
            if name != "DATABASE_URL"
        },
    ],
    ids=["command-api", "updater"],
)
def test_the_writers_wrap_data_keys_with_the_stacks_kms_key(
    template: Mapping[str, Any], environment: Any
) -> None:
    settings = Settings.from_env(environment(template))

    assert settings.kms_key_id == DEPLOYED["DataKeyKmsKey.Arn"]
    assert settings.local_kek_file is None
    assert settings.key_table_name == DEPLOYED["KeyTable"]
    assert settings.key_cache_seconds == 60.0
    # So neither refuses to start (the default local key file is never used on AWS).
    assert local_kek_refusal(settings, {"COMMAND_API_HOST": settings.command_api_host}) is None


def test_the_query_api_needs_no_key(template: Mapping[str, Any]) -> None:
    environment = task_environment(template, "QueryApiTaskDefinition")

    assert not {"KMS_KEY_ID", "KEY_TABLE_NAME", "LOCAL_KEK_FILE"} & set(environment)


# --- Alarms on the updater (docs/deployment.md, "Runbook: the updater's alarms") -------------

DEPLOYMENT_DOC = TEMPLATE.parents[2] / "docs" / "deployment.md"


def alarms(template: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return resources(template, "AWS::CloudWatch::Alarm")


def alarm_on(template: Mapping[str, Any], namespace: Any, metric: str) -> Mapping[str, Any]:
    (found,) = [
        alarm
        for alarm in alarms(template).values()
        if alarm["Namespace"] == namespace and alarm["MetricName"] == metric
    ]
    return found


def test_the_updaters_iterator_age_errors_and_dead_letters_are_alarmed(
    template: Mapping[str, Any],
) -> None:
    function = [{"Name": "FunctionName", "Value": {"Ref": "UpdaterFunction"}}]
    age = alarm_on(template, "AWS/Lambda", "IteratorAge")
    errors = alarm_on(template, "AWS/Lambda", "Errors")
    assert age["Dimensions"] == errors["Dimensions"] == function
    # IteratorAge is in milliseconds; the parameter in seconds, far below the stream's 24 h.
    assert age["Statistic"] == "Maximum"
    assert age["Threshold"] == {"Fn::Sub": "${UpdaterIteratorAgeAlarmSeconds}000"}
    assert age["ComparisonOperator"] == "GreaterThanThreshold"
    assert template["Parameters"]["UpdaterIteratorAgeAlarmSeconds"]["MaxValue"] < 24 * 3600
    assert errors["Statistic"] == "Sum"
    assert (errors["Threshold"], errors["ComparisonOperator"]) == (
        1,
        "GreaterThanOrEqualToThreshold",
    )
    # On AWS the dead letters are the notes Lambda sends to the mapping's on-failure queue:
    # any message there alarms.
    dead_letters = alarm_on(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    mapping = the_one(template, "AWS::Lambda::EventSourceMapping")
    queue = mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    assert dead_letters["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}
    ]
    assert (dead_letters["Threshold"], dead_letters["ComparisonOperator"]) == (
        0,
        "GreaterThanThreshold",
    )


def test_every_alarm_notifies_the_alarm_topic_when_it_fires_and_clears(
    template: Mapping[str, Any],
) -> None:
    assert template["Resources"]["AlarmTopic"]["Type"] == "AWS::SNS::Topic"
    found = alarms(template)
    assert len(found) == 4
    for alarm in found.values():
        assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": "AlarmTopic"}]
        # No data (nothing written, nothing failed) is not an alarm.
        assert alarm["TreatMissingData"] == "notBreaching"
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert template["Conditions"][subscription["Condition"]] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
    assert subscription["Properties"]["TopicArn"] == {"Ref": "AlarmTopic"}
    assert template["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": "AlarmTopic"}


def test_every_alarm_names_a_runbook_section_that_exists(template: Mapping[str, Any]) -> None:
    headings = set(re.findall(r"^#{2,4} (.+)$", DEPLOYMENT_DOC.read_text(), re.MULTILINE))
    for name, alarm in alarms(template).items():
        described = alarm["AlarmDescription"]
        text = described if isinstance(described, str) else described["Fn::Sub"]
        section = text.split('docs/deployment.md, "', 1)[1].split('"', 1)[0]
        assert section in headings, (name, section)


def matches(pattern: str, line: str) -> bool:
    """CloudWatch Logs' JSON filter pattern `{ $.field = "value" }` (the one form used) on a
    log event."""
    parsed = re.fullmatch(r'\{ \$\.([A-Za-z_][A-Za-z0-9_.]*) = "([^"*]*)" \}', pattern)
    assert parsed is not None, f"not a pattern of the form this test reads: {pattern}"
    value: Any = json.loads(line)
    for part in parsed.group(1).split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return value == parsed.group(2)


class OneRecordFails:
    async def __call__(self, records: Sequence[Mapping[str, Any]]) -> BatchOutcome:
        failure = RecordFailure(
            "100", "UserAccount-01", "01", FailureKind.UNDECODABLE, "DeserializationError", True
        )
        return BatchOutcome(applied=1, duplicates=0, gaps_filled=0, ignored=0, failures=[failure])


async def test_the_records_not_applied_filter_counts_the_handlers_line_per_failed_record(
    template: Mapping[str, Any],
) -> None:
    (metric_filter,) = resources(template, "AWS::Logs::MetricFilter").values()
    # The function's own log group, and the metric its alarm watches.
    function = the_one(template, "AWS::Lambda::Function")
    assert metric_filter["LogGroupName"] == function["LoggingConfig"]["LogGroup"]
    # Text: the lines the handler writes reach CloudWatch as they are (JSON would wrap them).
    assert function["LoggingConfig"].get("LogFormat", "Text") == "Text"
    (transformation,) = metric_filter["MetricTransformations"]
    alarm_on(template, transformation["MetricNamespace"], transformation["MetricName"])
    assert transformation["MetricValue"] == "1"
    # The lines the Lambda handler writes for a batch with one record it could not apply, as
    # the function writes them (JSON, one line per record).
    written = io.StringIO()
    line_handler = logging.StreamHandler(written)
    line_handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(lambda_batch.__name__)
    level = logger.level
    logger.addHandler(line_handler)
    logger.setLevel(logging.INFO)
    try:
        records = [{"dynamodb": {"SequenceNumber": number}} for number in ("99", "100")]
        await lambda_batch.handle_stream_event(OneRecordFails(), {"Records": records})
    finally:
        logger.removeHandler(line_handler)
        logger.setLevel(level)

    lines = written.getvalue().splitlines()
    assert len(lines) == 2  # the batch's line, then the failed record's
    assert [matches(metric_filter["FilterPattern"], line) for line in lines] == [False, True]
