// own check: two Task states wanting one handler method: a warning, and the second's method is charge_card_2 (a handler without it does not compile)
struct H;

impl machine::Handler for H {
    async fn charge_card(&self, input: asl_runtime::Value, _: asl_runtime::TaskContext) -> asl_runtime::TaskResult {
        Ok(input)
    }
}

asl_runtime::asl! {
    pub Machine = {
        "StartAt": "Charge card",
        "States": {
            "Charge card": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Next": "charge-card"
            },
            "charge-card": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "End": true
            }
        }
    }
}

fn main() {}
