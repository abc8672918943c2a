// ASL-VAL-20: ItemBatcher needs a limit
asl_runtime::asl! {
    pub Machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Map",
                "ItemBatcher": {
                    "BatchInput": {
                        "a": 1
                    }
                },
                "ItemProcessor": {
                    "ProcessorConfig": {
                        "Mode": "DISTRIBUTED",
                        "ExecutionType": "STANDARD"
                    },
                    "StartAt": "B",
                    "States": {
                        "B": {
                            "Type": "Succeed"
                        }
                    }
                },
                "End": true
            }
        }
    }
}

fn main() {}
