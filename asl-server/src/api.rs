//! The actions: each reads its request's members, calls the engine or the store, and answers
//! with the shape botocore's service model gives it.

use asl_runtime::Value as RValue;
use asl_runtime::driver::{Options, run};
use asl_runtime::dynamic::DynamicMachine;
use asl_runtime::store::{ListQuery, StateMachineRecord, Status};
use asl_syntax::CheckOptions;
use asl_syntax::ast::MachineType;
use asl_syntax::diag::{Diagnostics, Severity};
use serde_json::{Value, json};
use std::sync::Arc;

use crate::error::Fault;
use crate::machines::TEST_CASE_TAG;
use crate::shapes::{self, Request, date};
use crate::{Server, express};

type Answer = Result<Value, Fault>;

impl Server {
    /// Answers one action (`X-Amz-Target: AWSStepFunctions.<action>`) with its JSON body.
    pub async fn call(&self, action: &str, body: &Value) -> Answer {
        let r = Request::new(body)?;
        match action {
            "CreateStateMachine" => self.create_state_machine(&r),
            "DescribeStateMachine" => self.describe_state_machine(&r),
            "DescribeStateMachineForExecution" => self.describe_state_machine_for_execution(&r),
            "ListStateMachines" => self.list_state_machines(&r),
            "UpdateStateMachine" => self.update_state_machine(&r),
            "DeleteStateMachine" => self.delete_state_machine(&r),
            "ValidateStateMachineDefinition" => validate_definition(&r),
            "StartExecution" => self.start_execution(&r).await,
            "StartSyncExecution" => self.start_sync_execution(&r).await,
            "DescribeExecution" => self.describe_execution(&r),
            "ListExecutions" => self.list_executions(&r),
            "StopExecution" => self.stop_execution(&r),
            "GetExecutionHistory" => self.get_execution_history(&r),
            "DescribeMapRun" => {
                let arn = r.required("mapRunArn")?;
                check_arn(arn, "mapRun")?;
                match self.store().map_run(arn)? {
                    Some(run) => Ok(shapes::describe_map_run(&run)),
                    None => Err(Fault::new(
                        "ResourceNotFound",
                        format!("Resource not found: '{arn}'"),
                    )),
                }
            }
            "ListMapRuns" => self.list_map_runs(&r),
            "RedriveExecution" => self.redrive_execution(&r),
            "SendTaskSuccess" => {
                let token = r.required("taskToken")?;
                let output = r.required("output")?;
                self.engine().send_task_success(token, output)?;
                Ok(json!({}))
            }
            "SendTaskFailure" => {
                let token = r.required("taskToken")?;
                self.engine()
                    .send_task_failure(token, r.str("error")?, r.str("cause")?)?;
                Ok(json!({}))
            }
            "SendTaskHeartbeat" => {
                self.engine()
                    .send_task_heartbeat(r.required("taskToken")?)?;
                Ok(json!({}))
            }
            "CreateActivity" => self.create_activity(&r),
            "DescribeActivity" => {
                let arn = r.required("activityArn")?;
                check_arn(arn, "activity")?;
                let a = self.engine().describe_activity(arn)?;
                Ok(json!({ "activityArn": a.arn, "name": a.name, "creationDate": date(a.created) }))
            }
            "ListActivities" => {
                let all = self.engine().list_activities()?;
                let items: Vec<Value> = all
                    .iter()
                    .map(|a| json!({ "activityArn": a.arn, "name": a.name, "creationDate": date(a.created) }))
                    .collect();
                page(items, "activities", &r)
            }
            "DeleteActivity" => {
                let arn = r.required("activityArn")?;
                check_arn(arn, "activity")?;
                self.engine().delete_activity(arn)?;
                Ok(json!({}))
            }
            "GetActivityTask" => {
                let arn = r.required("activityArn")?;
                check_arn(arn, "activity")?;
                match self
                    .engine()
                    .get_activity_task(arn, r.str("workerName")?)
                    .await?
                {
                    Some(t) => Ok(json!({ "taskToken": t.task_token, "input": t.input })),
                    None => Ok(json!({})),
                }
            }
            "TestState" => self.test_state(&r).await,
            "TagResource" => {
                let arn = r.required("resourceArn")?;
                self.resource_exists(arn)?;
                let tags = r.tags("tags")?;
                self.store().tag_resource(arn, &tags)?;
                Ok(json!({}))
            }
            "UntagResource" => {
                let arn = r.required("resourceArn")?;
                self.resource_exists(arn)?;
                let keys: Vec<String> = r
                    .value("tagKeys")
                    .and_then(Value::as_array)
                    .ok_or_else(|| Fault::validation("tagKeys must be a list of strings"))?
                    .iter()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect();
                self.store().untag_resource(arn, &keys)?;
                Ok(json!({}))
            }
            "ListTagsForResource" => {
                let arn = r.required("resourceArn")?;
                self.resource_exists(arn)?;
                let tags: Vec<Value> = self
                    .store()
                    .tags(arn)?
                    .into_iter()
                    .filter(|(k, _)| !k.starts_with("asl:"))
                    .map(|(k, v)| json!({ "key": k, "value": v }))
                    .collect();
                Ok(json!({ "tags": tags }))
            }
            other => Err(Fault::new(
                "UnknownOperationException",
                format!("The action '{other}' is not one asl serve answers"),
            )),
        }
    }

    fn create_state_machine(&self, r: &Request<'_>) -> Answer {
        let name = r.required("name")?;
        let definition = r.required("definition")?;
        let role_arn = r.required("roleArn")?;
        check_name(name, "state machine")?;
        check_role(role_arn)?;
        let kind = machine_type(r.str("type")?)?;
        check_logging(r.value("loggingConfiguration"))?;
        let machine = compile(name, definition, kind)?;
        let now = self.engine().now();
        let rec = StateMachineRecord {
            arn: self.engine().state_machine_arn(name),
            name: name.to_owned(),
            definition: definition.to_owned(),
            role_arn: role_arn.to_owned(),
            kind: kind_name(kind).to_owned(),
            created: now,
            revision_id: uuid::Uuid::new_v4().to_string(),
            revision_date: now,
            description: None,
            logging: r.value("loggingConfiguration").map(Value::to_string),
            tracing: r.value("tracingConfiguration").map(Value::to_string),
        };
        match self.store().insert_state_machine(&rec)? {
            None => {
                self.store().tag_resource(&rec.arn, &r.tags("tags")?)?;
                self.activate(&rec, machine);
                Ok(json!({ "stateMachineArn": rec.arn, "creationDate": date(rec.created) }))
            }
            Some(existing)
                if existing.definition == rec.definition
                    && existing.role_arn == rec.role_arn
                    && existing.kind == rec.kind =>
            {
                Ok(
                    json!({ "stateMachineArn": existing.arn, "creationDate": date(existing.created) }),
                )
            }
            Some(existing) => Err(Fault::new(
                "StateMachineAlreadyExists",
                format!("State Machine Already Exists: '{}'", existing.arn),
            )),
        }
    }

    fn machine_record(&self, arn: &str) -> Result<StateMachineRecord, Fault> {
        check_arn(arn, "stateMachine")?;
        self.store().state_machine(arn)?.ok_or_else(|| {
            Fault::new(
                "StateMachineDoesNotExist",
                format!("State Machine Does Not Exist: '{arn}'"),
            )
        })
    }

    fn describe_state_machine(&self, r: &Request<'_>) -> Answer {
        let rec = self.machine_record(r.required("stateMachineArn")?)?;
        let mut o = json!({
            "stateMachineArn": rec.arn,
            "name": rec.name,
            "status": "ACTIVE",
            "definition": rec.definition,
            "roleArn": rec.role_arn,
            "type": rec.kind,
            "creationDate": date(rec.created),
            "revisionId": rec.revision_id,
        });
        optional_config(&mut o, &rec);
        Ok(o)
    }

    fn describe_state_machine_for_execution(&self, r: &Request<'_>) -> Answer {
        let arn = r.required("executionArn")?;
        check_arn(arn, "execution")?;
        let e = self.engine().describe_execution(arn)?;
        let rec = match &e.revision_id {
            Some(rev) => self.store().state_machine_revision(rev)?,
            None => self.store().state_machine(&e.state_machine_arn)?,
        }
        .ok_or_else(|| {
            Fault::new(
                "ExecutionDoesNotExist",
                format!("Execution Does Not Exist: '{arn}'"),
            )
        })?;
        let mut o = json!({
            "stateMachineArn": rec.arn,
            "name": rec.name,
            "definition": rec.definition,
            "roleArn": rec.role_arn,
            "updateDate": date(rec.revision_date),
            "revisionId": rec.revision_id,
        });
        optional_config(&mut o, &rec);
        Ok(o)
    }

    fn list_state_machines(&self, r: &Request<'_>) -> Answer {
        let items: Vec<Value> = self
            .store()
            .state_machines()?
            .iter()
            .map(|m| {
                json!({
                    "stateMachineArn": m.arn,
                    "name": m.name,
                    "type": m.kind,
                    "creationDate": date(m.created),
                })
            })
            .collect();
        page(items, "stateMachines", r)
    }

    fn update_state_machine(&self, r: &Request<'_>) -> Answer {
        let mut rec = self.machine_record(r.required("stateMachineArn")?)?;
        let definition = r.str("definition")?;
        let role_arn = r.str("roleArn")?;
        let logging = r.value("loggingConfiguration");
        let tracing = r.value("tracingConfiguration");
        if definition.is_none() && role_arn.is_none() && logging.is_none() && tracing.is_none() {
            return Err(Fault::new(
                "MissingRequiredParameter",
                "Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified",
            ));
        }
        if let Some(role) = role_arn {
            check_role(role)?;
            rec.role_arn = role.to_owned();
        }
        let kind = machine_type(Some(&rec.kind))?;
        let compiled = match definition {
            Some(d) => {
                let m = compile(&rec.name, d, kind)?;
                rec.definition = d.to_owned();
                Some(m)
            }
            None => None,
        };
        if let Some(l) = logging {
            check_logging(Some(l))?;
            rec.logging = Some(l.to_string());
        }
        if let Some(t) = tracing {
            rec.tracing = Some(t.to_string());
        }
        let now = self.engine().now();
        if definition.is_some() || role_arn.is_some() {
            rec.revision_id = uuid::Uuid::new_v4().to_string();
            rec.revision_date = now;
        }
        self.store().update_state_machine(&rec)?;
        let machine = match compiled {
            Some(m) => m,
            None => compile(&rec.name, &rec.definition, kind)?,
        };
        self.activate(&rec, machine);
        Ok(json!({ "updateDate": date(now), "revisionId": rec.revision_id }))
    }

    fn delete_state_machine(&self, r: &Request<'_>) -> Answer {
        let arn = r.required("stateMachineArn")?;
        check_arn(arn, "stateMachine")?;
        self.store().delete_state_machine(arn)?;
        self.deactivate(arn);
        Ok(json!({}))
    }

    /// `stateMachineArn`, or `stateMachineArn#TestCase` (Step Functions Local's way to pick
    /// a test case of the mock configuration).
    fn split_test_case<'a>(&self, arn: &'a str) -> Result<(&'a str, Option<&'a str>), Fault> {
        let (arn, case) = match arn.split_once('#') {
            Some((a, c)) => (a, Some(c)),
            None => (arn, None),
        };
        if let Some(case) = case {
            let machine = arn.rsplit(':').next().unwrap_or("");
            let known = self
                .mock_config()
                .and_then(|c| c.test_case_names(machine))
                .is_some_and(|mut names| names.any(|n| n == case));
            if !known {
                return Err(Fault::validation(format!(
                    "The test case '{case}' of the state machine '{machine}' is not in the mock configuration"
                )));
            }
        }
        Ok((arn, case))
    }

    async fn start_execution(&self, r: &Request<'_>) -> Answer {
        let (arn, case) = self.split_test_case(r.required("stateMachineArn")?)?;
        let rec = self.machine_record(arn)?;
        let input = r.str("input")?.unwrap_or("{}");
        let name = match r.str("name")? {
            Some(n) => n.to_owned(),
            None => uuid::Uuid::new_v4().to_string(),
        };
        if rec.kind == "EXPRESS" {
            check_name(&name, "execution")?;
            let value = parse_input(input)?;
            let entry = self.entry(arn)?;
            let exec_arn = self.express_arn(&rec.name, &name);
            self.remember_test_case(&rec.name, &name, case)?;
            let options = self.express_options(&rec, &name, &exec_arn);
            let start = self.engine().now();
            let logging = logging_of(&rec);
            let dir = self.log_dir().to_owned();
            let server = self.clone();
            let machine = rec.name.clone();
            tokio::spawn(async move {
                express::execute(&entry, value, options, &logging, &dir).await;
                server.forget_mocks(&machine, &name);
            });
            return Ok(json!({ "executionArn": exec_arn, "startDate": date(start) }));
        }
        // The test case is a tag of the execution, written with it, so a restart finds it.
        let tags = case.map(|c| vec![(TEST_CASE_TAG.to_owned(), c.to_owned())]);
        let out = self
            .engine()
            .start_tagged_execution(arn, Some(&name), input, tags.unwrap_or_default())
            .await?;
        Ok(json!({ "executionArn": out.execution_arn, "startDate": date(out.start_date) }))
    }

    async fn start_sync_execution(&self, r: &Request<'_>) -> Answer {
        let (arn, case) = self.split_test_case(r.required("stateMachineArn")?)?;
        let rec = self.machine_record(arn)?;
        if rec.kind != "EXPRESS" {
            return Err(Fault::new(
                "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine",
            ));
        }
        let input = r.str("input")?.unwrap_or("{}");
        let value = parse_input(input)?;
        let name = match r.str("name")? {
            Some(n) => n.to_owned(),
            None => uuid::Uuid::new_v4().to_string(),
        };
        check_name(&name, "execution")?;
        let entry = self.entry(arn)?;
        let exec_arn = self.express_arn(&rec.name, &name);
        self.remember_test_case(&rec.name, &name, case)?;
        let options = self.express_options(&rec, &name, &exec_arn);
        let start = self.engine().now();
        let clock = std::time::Instant::now();
        let done =
            express::execute(&entry, value, options, &logging_of(&rec), self.log_dir()).await;
        self.forget_mocks(&rec.name, &name);
        let stop = self.engine().now();
        let billed_ms = (clock.elapsed().as_millis() as u64).div_ceil(100).max(1) * 100;
        let mut o = json!({
            "executionArn": exec_arn,
            "stateMachineArn": arn,
            "name": name,
            "startDate": date(start),
            "stopDate": date(stop),
            "input": input,
            "inputDetails": { "included": true },
            "billingDetails": { "billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": billed_ms },
        });
        match done.result {
            Ok(v) => {
                o["status"] = json!("SUCCEEDED");
                o["output"] = json!(v.to_string());
                o["outputDetails"] = json!({ "included": true });
            }
            Err(e) => {
                let timed_out = e.error.as_deref() == Some("States.Timeout");
                o["status"] = json!(if timed_out { "TIMED_OUT" } else { "FAILED" });
                if let Some(err) = e.error {
                    o["error"] = json!(err);
                }
                if let Some(cause) = e.cause {
                    o["cause"] = json!(cause);
                }
            }
        }
        Ok(o)
    }

    fn describe_execution(&self, r: &Request<'_>) -> Answer {
        let arn = r.required("executionArn")?;
        check_arn(arn, "execution")?;
        let e = self.engine().describe_execution(arn)?;
        let redrivable = match e.status {
            Status::Running => None,
            Status::Succeeded => Some(false),
            _ => Some(true),
        };
        Ok(shapes::describe_execution(&e, redrivable))
    }

    /// ListExecutions of a Map Run: its Standard children (Express ones keep no record, as
    /// on AWS), oldest last, each with its `mapRunArn`.
    fn list_map_run_executions(&self, r: &Request<'_>, map_run: &str) -> Answer {
        check_arn(map_run, "mapRun")?;
        if self.store().map_run(map_run)?.is_none() {
            return Err(Fault::new(
                "ResourceNotFound",
                format!("Resource not found: '{map_run}'"),
            ));
        }
        let machine = shapes::map_run_state_machine(map_run);
        let status = match r.str("statusFilter")? {
            Some(s) => Some(
                Status::parse(s)
                    .ok_or_else(|| Fault::validation(format!("Invalid statusFilter '{s}'")))?,
            ),
            None => None,
        };
        // The children of every Map Run of that label, kept when they carry this one's tag.
        let mut children = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.store().list_executions(&ListQuery {
                state_machine_arn: Some(&machine),
                status,
                limit: 1000,
                next_token: token.as_deref(),
            })?;
            for e in page.items {
                let tags = self.store().tags(&e.arn)?;
                if tags
                    .iter()
                    .any(|(k, v)| k == asl_runtime::driver::MAP_RUN_TAG && v == map_run)
                {
                    children.push(e);
                }
            }
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        let items = children
            .iter()
            .map(|e| {
                let mut item = shapes::execution_item(e);
                item["mapRunArn"] = json!(map_run);
                item
            })
            .collect();
        page(items, "executions", r)
    }

    fn list_map_runs(&self, r: &Request<'_>) -> Answer {
        let arn = r.required("executionArn")?;
        check_arn(arn, "execution")?;
        // ExecutionDoesNotExist for an unknown execution.
        self.engine().describe_execution(arn)?;
        let runs = self.store().map_runs(arn)?;
        page(
            runs.iter().map(shapes::map_run_item).collect(),
            "mapRuns",
            r,
        )
    }

    fn list_executions(&self, r: &Request<'_>) -> Answer {
        if let Some(map_run) = r.str("mapRunArn")? {
            return self.list_map_run_executions(r, map_run);
        }
        let arn = r.str("stateMachineArn")?;
        let arn = arn.ok_or_else(|| {
            Fault::validation("Must specify either a stateMachineArn or a mapRunArn")
        })?;
        let rec = self.machine_record(arn)?;
        if rec.kind == "EXPRESS" {
            return Err(Fault::new(
                "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine",
            ));
        }
        let status = match r.str("statusFilter")? {
            Some(s) => Some(Status::parse(s).ok_or_else(|| {
                Fault::validation(format!(
                    "1 validation error detected: Value '{s}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"
                ))
            })?),
            None => None,
        };
        let page = self.store().list_executions(&ListQuery {
            state_machine_arn: Some(arn),
            status,
            limit: r.int("maxResults", 1000)?.unwrap_or(0) as usize,
            next_token: r.str("nextToken")?,
        })?;
        let mut o = json!({ "executions": page.items.iter().map(shapes::execution_item).collect::<Vec<_>>() });
        if let Some(t) = page.next_token {
            o["nextToken"] = json!(t);
        }
        Ok(o)
    }

    fn stop_execution(&self, r: &Request<'_>) -> Answer {
        let arn = r.required("executionArn")?;
        check_arn(arn, "execution")?;
        let stop = self
            .engine()
            .stop_execution(arn, r.str("error")?, r.str("cause")?)?;
        Ok(json!({ "stopDate": date(stop) }))
    }

    fn get_execution_history(&self, r: &Request<'_>) -> Answer {
        let arn = r.required("executionArn")?;
        check_arn(arn, "execution")?;
        let include = match r.value("includeExecutionData") {
            Some(Value::Bool(b)) => *b,
            _ => true,
        };
        let page = self.engine().get_execution_history(
            arn,
            r.bool("reverseOrder")?,
            r.int("maxResults", 1000)?.unwrap_or(0) as usize,
            r.str("nextToken")?,
            include,
        )?;
        let mut o =
            json!({ "events": page.items.iter().map(shapes::history_event).collect::<Vec<_>>() });
        if let Some(t) = page.next_token {
            o["nextToken"] = json!(t);
        }
        Ok(o)
    }

    fn redrive_execution(&self, r: &Request<'_>) -> Answer {
        let arn = r.required("executionArn")?;
        check_arn(arn, "execution")?;
        let at = self.engine().redrive_execution(arn)?;
        Ok(json!({ "redriveDate": date(at) }))
    }

    fn create_activity(&self, r: &Request<'_>) -> Answer {
        let name = r.required("name")?;
        check_name(name, "activity")?;
        let a = self.engine().create_activity(name)?;
        self.store().tag_resource(&a.arn, &r.tags("tags")?)?;
        Ok(json!({ "activityArn": a.arn, "creationDate": date(a.created) }))
    }

    fn resource_exists(&self, arn: &str) -> Result<(), Fault> {
        let exists = if arn.contains(":stateMachine:") {
            self.store().state_machine(arn)?.is_some()
        } else if arn.contains(":activity:") {
            self.store().activity(arn)?.is_some()
        } else {
            return Err(Fault::invalid_arn(arn));
        };
        if exists {
            Ok(())
        } else {
            Err(Fault::new(
                "ResourceNotFound",
                format!("Resource not found: '{arn}'"),
            ))
        }
    }

    /// An Express execution's test case: its mocks, kept in memory with it (Express
    /// executions leave nothing in the store).
    fn remember_test_case(
        &self,
        machine: &str,
        name: &str,
        case: Option<&str>,
    ) -> Result<(), Fault> {
        if let (Some(case), Some(config)) = (case, self.shared().mock_config.as_ref()) {
            let mocks = config
                .test_case(machine, case)
                .map_err(|e| Fault::validation(e.to_string()))?;
            self.shared()
                .mocks
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert((machine.to_owned(), name.to_owned()), Some(Arc::new(mocks)));
        }
        Ok(())
    }

    fn express_arn(&self, machine: &str, name: &str) -> String {
        self.engine()
            .state_machine_arn(machine)
            .replacen(":stateMachine:", ":express:", 1)
            + ":"
            + name
            + ":"
            + &uuid::Uuid::new_v4().to_string()
    }

    fn express_options(&self, rec: &StateMachineRecord, name: &str, exec_arn: &str) -> Options {
        Options {
            execution_name: Some(name.to_owned()),
            execution_id: Some(exec_arn.to_owned()),
            role_arn: Some(rec.role_arn.clone()),
            state_machine_name: Some(rec.name.clone()),
            state_machine_id: Some(rec.arn.clone()),
            start_time: Some(self.engine().now()),
            history: false,
            objects: self.objects(),
            ..Options::default()
        }
    }

    /// `TestState`: one state run alone on `input`, its `Next` (or chosen target) reported
    /// rather than entered.
    async fn test_state(&self, r: &Request<'_>) -> Answer {
        let definition = r.required("definition")?;
        let input = r.str("input")?.unwrap_or("{}");
        let value = parse_input(input)?;
        let state: Value = serde_json::from_str(definition).map_err(|e| {
            Fault::new(
                "InvalidDefinition",
                format!("Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {e}'"),
            )
        })?;
        let (machine_def, state_name) = test_machine(&state, r.str("stateName")?)?;
        let machine = compile("TestState", &machine_def.to_string(), MachineType::Standard)?;
        let mock = r.value("mock").cloned();
        let dispatch = TestDispatch { mock };
        let inspection =
            std::sync::Arc::new(asl_runtime::driver::Inspection::new(state_name.clone()));
        let options = Options {
            execution_name: Some("TestState".into()),
            history: true,
            start_time: Some(self.engine().now()),
            inspect: Some(inspection.clone()),
            ..Options::default()
        };
        let done = run(machine.descriptor(), &dispatch, value.clone(), &options).await;
        // The target the state went to is the stand-in entered after it.
        let next = done
            .history
            .iter()
            .filter(|e| e.kind.ends_with("StateEntered"))
            .filter_map(|e| e.state)
            .find(|s| *s != state_name)
            .map(|s| s.trim_start_matches(TARGET_PREFIX).to_owned());
        let mut data = serde_json::Map::new();
        data.insert("input".into(), json!(input));
        for (step, text) in inspection.fields() {
            data.insert(step.into(), json!(text));
        }
        let mut o = json!({ "inspectionData": data });
        match done.result {
            Ok(v) => {
                o["output"] = json!(v.to_string());
                match next {
                    Some(n) => {
                        let caught = done
                            .history
                            .iter()
                            .any(|e| e.kind == "TaskFailed" || e.kind.ends_with("Failed"));
                        o["status"] = json!(if caught { "CAUGHT_ERROR" } else { "SUCCEEDED" });
                        o["nextState"] = json!(n);
                    }
                    None => o["status"] = json!("SUCCEEDED"),
                }
            }
            Err(e) => {
                o["status"] = json!("FAILED");
                if let Some(err) = e.error {
                    o["error"] = json!(err);
                }
                if let Some(c) = e.cause {
                    o["cause"] = json!(c);
                }
            }
        }
        Ok(o)
    }
}

/// Prefix of the stand-in states TestState adds for the tested state's targets.
const TARGET_PREFIX: &str = "asl-target:";

/// A machine of the one state TestState runs, its targets replaced by stand-in Succeed
/// states; and the state's name.
fn test_machine(def: &Value, name: Option<&str>) -> Result<(Value, String), Fault> {
    // The definition is a state, or (with stateName) a whole machine.
    let (name, state) = match (name, def.get("States")) {
        (Some(n), Some(states)) => (
            n.to_owned(),
            states.get(n).cloned().ok_or_else(|| {
                Fault::validation(format!("The state '{n}' is not in the definition"))
            })?,
        ),
        _ => ("TestState".to_owned(), def.clone()),
    };
    let mut targets = Vec::new();
    let mut state = state;
    retarget(&mut state, &mut targets);
    let mut states = serde_json::Map::new();
    states.insert(name.clone(), state);
    for t in targets {
        states.insert(format!("{TARGET_PREFIX}{t}"), json!({ "Type": "Succeed" }));
    }
    let mut m = json!({ "StartAt": name, "States": states });
    if let Some(ql) = def.get("QueryLanguage") {
        m["QueryLanguage"] = ql.clone();
    }
    Ok((m, name))
}

/// Points every transition of a state (Next, Default, Choices, Catch) at a stand-in.
fn retarget(state: &mut Value, targets: &mut Vec<String>) {
    let mut swap = |v: &mut Value| {
        if let Some(t) = v.as_str() {
            targets.push(t.to_owned());
            *v = json!(format!("{TARGET_PREFIX}{t}"));
        }
    };
    if let Some(n) = state.get_mut("Next") {
        swap(n);
    }
    if let Some(n) = state.get_mut("Default") {
        swap(n);
    }
    for list in ["Choices", "Catch"] {
        if let Some(Value::Array(items)) = state.get_mut(list) {
            for item in items {
                if let Some(n) = item.get_mut("Next") {
                    swap(n);
                }
            }
        }
    }
}

/// What answers TestState's Task: the request's `mock` (`result` or `errorOutput`).
struct TestDispatch {
    mock: Option<Value>,
}

impl asl_runtime::handler::Dispatch for TestDispatch {
    fn call(
        &self,
        _call: asl_runtime::handler::TaskCall,
    ) -> asl_runtime::handler::BoxFuture<'_, asl_runtime::handler::TaskResult> {
        Box::pin(async move {
            let mock = self.mock.as_ref();
            if let Some(result) = mock.and_then(|m| m.get("result")).and_then(Value::as_str) {
                return serde_json::from_str::<RValue>(result).map_err(|e| {
                    asl_runtime::StateError::new(
                        "States.Runtime",
                        format!("mock result is not JSON: {e}"),
                    )
                });
            }
            if let Some(err) = mock.and_then(|m| m.get("errorOutput")) {
                return Err(asl_runtime::StateError::new(
                    err.get("error")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    err.get("cause")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                ));
            }
            Err(asl_runtime::StateError::new(
                "States.TaskFailed",
                "TestState in asl serve calls no services: give the Task's answer in `mock` (result or errorOutput)",
            ))
        })
    }
}

fn page(items: Vec<Value>, member: &str, r: &Request<'_>) -> Answer {
    let limit = match r.int("maxResults", 1000)? {
        None | Some(0) => 100,
        Some(n) => n as usize,
    };
    let offset = match r.str("nextToken")? {
        None => 0,
        Some(t) => t
            .strip_prefix('o')
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| Fault::new("InvalidToken", format!("Invalid Token: '{t}'")))?,
    };
    let total = items.len();
    let slice: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    let mut o = json!({ member: slice });
    if offset + limit < total {
        o["nextToken"] = json!(format!("o{}", offset + limit));
    }
    Ok(o)
}

fn optional_config(o: &mut Value, rec: &StateMachineRecord) {
    let parsed = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
    };
    o["loggingConfiguration"] = parsed(&rec.logging)
        .unwrap_or_else(|| json!({ "level": "OFF", "includeExecutionData": false }));
    o["tracingConfiguration"] = parsed(&rec.tracing).unwrap_or_else(|| json!({ "enabled": false }));
    if let Some(d) = &rec.description {
        o["description"] = json!(d);
    }
}

/// A machine's logging configuration (OFF when it has none, or a stored one is unreadable).
fn logging_of(rec: &StateMachineRecord) -> express::Logging {
    let v = rec
        .logging
        .as_deref()
        .and_then(|t| serde_json::from_str::<Value>(t).ok());
    express::Logging::parse(v.as_ref())
        .or_else(|_| express::Logging::parse(None))
        .expect("no configuration is valid")
}

fn check_logging(v: Option<&Value>) -> Result<(), Fault> {
    express::Logging::parse(v)
        .map(|_| ())
        .map_err(|m| Fault::new("InvalidLoggingConfiguration", m))
}

fn parse_input(input: &str) -> Result<RValue, Fault> {
    serde_json::from_str(input).map_err(|e| {
        Fault::new(
            "InvalidExecutionInput",
            format!("Invalid State Machine Execution Input: '{e}'"),
        )
    })
}

fn machine_type(t: Option<&str>) -> Result<MachineType, Fault> {
    match t {
        None | Some("STANDARD") => Ok(MachineType::Standard),
        Some("EXPRESS") => Ok(MachineType::Express),
        Some(other) => Err(Fault::validation(format!(
            "1 validation error detected: Value '{other}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
        ))),
    }
}

fn kind_name(t: MachineType) -> &'static str {
    match t {
        MachineType::Standard => "STANDARD",
        MachineType::Express => "EXPRESS",
    }
}

/// Compiles a definition with the front end's every check; `InvalidDefinition` carries the
/// errors as AWS writes them (`CODE: message at /pointer`).
pub(crate) fn compile(
    name: &str,
    definition: &str,
    kind: MachineType,
) -> Result<DynamicMachine, Fault> {
    let options = CheckOptions {
        machine_type: kind,
        ..CheckOptions::default()
    };
    DynamicMachine::compile(name, definition, &options).map_err(|diags| {
        let text: Vec<String> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                if d.pointer.is_empty() {
                    format!("{}: {}", d.code.as_str(), d.message)
                } else {
                    format!("{}: {} at {}", d.code.as_str(), d.message, d.pointer)
                }
            })
            .collect();
        Fault::new(
            "InvalidDefinition",
            format!("Invalid State Machine Definition: '{}'", text.join(", ")),
        )
    })
}

/// `ValidateStateMachineDefinition`: the front end's diagnostics in the API's shape.
fn validate_definition(r: &Request<'_>) -> Answer {
    let definition = r.required("definition")?;
    let kind = machine_type(r.str("type")?)?;
    let warnings = match r.str("severity")? {
        None | Some("ERROR") => false,
        Some("WARNING") => true,
        Some(other) => {
            return Err(Fault::validation(format!(
                "1 validation error detected: Value '{other}' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]"
            )));
        }
    };
    let max = r.int("maxResults", 100)?.filter(|n| *n > 0).unwrap_or(100) as usize;
    let options = CheckOptions {
        machine_type: kind,
        ..CheckOptions::default()
    };
    let src = asl_syntax::source::Source::new("definition", definition);
    let checked = asl_syntax::compile_source(&src, &options);
    let mut kept = Diagnostics::default();
    for d in checked.diagnostics.iter() {
        if d.severity == Severity::Error || warnings {
            kept.push(d.clone());
        }
    }
    let mut o = asl_syntax::render::to_json(&kept);
    if let Some(list) = o["diagnostics"].as_array_mut()
        && list.len() > max
    {
        list.truncate(max);
        o["truncated"] = json!(true);
    }
    Ok(o)
}

/// Names of state machines, executions and activities (ASL-REFERENCE "names"): 1 to 80
/// characters, none of white space, `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /` or control
/// characters.
pub(crate) fn check_name(name: &str, what: &str) -> Result<(), Fault> {
    let bad = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
    };
    let len = name.chars().count();
    if len == 0 || len > 80 || name.chars().any(bad) {
        return Err(Fault::new(
            "InvalidName",
            format!(
                "Invalid Name: '{name}' (a {what} name has 1 to 80 characters, none of them white space, brackets, wildcards, special characters or control characters)"
            ),
        ));
    }
    Ok(())
}

fn check_arn(arn: &str, resource: &str) -> Result<(), Fault> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    if parts.len() < 7 || parts[0] != "arn" || parts[2] != "states" || parts[5] != resource {
        return Err(Fault::invalid_arn(arn));
    }
    Ok(())
}

fn check_role(arn: &str) -> Result<(), Fault> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" || parts[2] != "iam" {
        return Err(Fault::invalid_arn(arn));
    }
    Ok(())
}
