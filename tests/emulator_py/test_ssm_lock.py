"""SSM Parameter Store as ecsctl's environment lock needs it (docs/emulator.md, "SSM Parameter
Store"; scripts/moto/patches_ssm.py): PutParameter with Overwrite=false is an atomic
create-if-absent however many callers race, with AWS's ParameterAlreadyExists for the losers, and a
missing parameter is AWS's ParameterNotFound (no message) on GetParameter and DeleteParameter.
"""

from __future__ import annotations

import threading
import unittest
from typing import Any

from botocore.exceptions import ClientError

from tests.emulator_py.support import InstantServerTest

ALREADY_EXISTS = ("ParameterAlreadyExists",
                  "The parameter already exists. To overwrite this value, set the overwrite option "
                  "in the request to true.", 400)


def error(e: ClientError) -> tuple[str, str, int]:
    return (e.response["Error"]["Code"], e.response["Error"].get("Message", ""),
            e.response["ResponseMetadata"]["HTTPStatusCode"])


class SsmLock(InstantServerTest):
    def test_concurrent_creates_without_overwrite_have_exactly_one_winner(self) -> None:
        ssm = self.server.account().client("ssm")
        threads, rounds = 24, 5
        for n in range(rounds):
            name = f"/ecsctl/locks/shop/dev{n}"
            barrier = threading.Barrier(threads)
            won: list[str] = []
            lost: list[tuple[str, str, int]] = []
            other: list[Any] = []

            def put(i: int) -> None:
                barrier.wait()
                try:
                    ssm.put_parameter(Name=name, Value=f"holder-{i}", Type="String", Overwrite=False)
                    won.append(f"holder-{i}")
                except ClientError as e:
                    lost.append(error(e))
                except Exception as e:  # noqa: BLE001 - reported below, not swallowed
                    other.append(e)

            workers = [threading.Thread(target=put, args=(i,)) for i in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            self.assertEqual(other, [])
            self.assertEqual(len(won), 1, f"round {n}: winners {won}")
            self.assertEqual(lost, [ALREADY_EXISTS] * (threads - 1))
            got = ssm.get_parameter(Name=name)["Parameter"]
            self.assertEqual((got["Value"], got["Version"]), (won[0], 1))

    def test_put_on_an_existing_name_without_overwrite_is_parameter_already_exists(self) -> None:
        ssm = self.server.account().client("ssm")
        ssm.put_parameter(Name="/ecsctl/locks/a/b", Value="first", Type="String",
                          Tags=[{"Key": "ecsctl:managed-by", "Value": "ecsctl"}])
        with self.assertRaises(ClientError) as caught:
            ssm.put_parameter(Name="/ecsctl/locks/a/b", Value="second", Type="String")
        self.assertEqual(error(caught.exception), ALREADY_EXISTS)
        self.assertEqual(ssm.get_parameter(Name="/ecsctl/locks/a/b")["Parameter"]["Value"], "first")

    def test_a_missing_parameter_is_parameter_not_found_without_a_message(self) -> None:
        ssm = self.server.account().client("ssm")
        for call in (lambda: ssm.get_parameter(Name="/ecsctl/locks/none/dev"),
                     lambda: ssm.delete_parameter(Name="/ecsctl/locks/none/dev")):
            with self.assertRaises(ClientError) as caught:
                call()
            self.assertEqual(error(caught.exception), ("ParameterNotFound", "", 400))
        ssm.put_parameter(Name="/ecsctl/locks/gone/dev", Value="x", Type="String")
        ssm.delete_parameter(Name="/ecsctl/locks/gone/dev")
        with self.assertRaises(ClientError) as caught:
            ssm.delete_parameter(Name="/ecsctl/locks/gone/dev")
        self.assertEqual(error(caught.exception)[0], "ParameterNotFound")


if __name__ == "__main__":
    unittest.main()
