"""``bassin eval [SUITE…]``: the dialogue suites (and the retrieval benchmark) with their thresholds."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

RETRIEVAL = "retrieval"
CVS = "cvs"
OCCUPATION = "occupation"
OCCUPATION_EN = "occupation-en"
REQUESTS = "requests"


class EvalProvider(StrEnum):
    offline = "offline"
    mistral = "mistral"
    openai = "openai"


def evaluate(
    suites: Annotated[
        list[str] | None,
        typer.Argument(
            help=(
                "Suites (fichiers de evals/dialogues/, « retrieval », « cvs », « occupation », "
                "« occupation-en » ou « requests ») ; défaut : toutes les suites de dialogues."
            )
        ),
    ] = None,
    provider: Annotated[
        EvalProvider | None,
        typer.Option("--provider", help="Modèle qui répond (défaut : BASSIN_LLM_PROVIDER, sinon offline)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Dossier du rapport (défaut : var/evals/dialogues-report)."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Serveur compatible OpenAI (ex. http://127.0.0.1:8091/v1) ; défaut : BASSIN_LLM_BASE_URL.",
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Nom du modèle (défaut : BASSIN_LLM_MODEL).")
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode", help="agent (le LLM planifie) ou phrase (le planificateur planifie, le LLM rédige)."
        ),
    ] = None,
    dialogue: Annotated[
        list[str] | None,
        typer.Option("--dialogue", help="Seulement ces dialogues (id, répétable)."),
    ] = None,
    gates: Annotated[
        str | None,
        typer.Option(
            "--gates", help="Seuils d'une autre section de evals/thresholds.yaml (ex. local-small)."
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Données d'évaluation (défaut : var/evals/dialogues-data, construit au besoin).",
        ),
    ] = None,
) -> None:
    """Rejoue les dialogues d'évaluation avec le vrai graphe et les vrais outils ; code de sortie 1 sous les seuils."""
    import asyncio

    from app.settings import Settings
    from evals.dialogues_runner.dataset import DEFAULT_DATA_DIR
    from evals.dialogues_runner.report import summary_table
    from evals.dialogues_runner.runner import DEFAULT_REPORT_DIR, run_evals

    names = list(suites or [])
    code = 0
    if CVS in names:
        names.remove(CVS)
        from evals.cv.runner import main as cvs_main

        code = max(code, cvs_main(["--report", str(report / CVS)] if report else []))
        if not names:
            raise typer.Exit(code)
    if RETRIEVAL in names:
        names.remove(RETRIEVAL)
        from evals.retrieval.runner import main as retrieval_main

        args = ["--out", str((report or DEFAULT_REPORT_DIR.parent) / RETRIEVAL)] if report else []
        code = max(code, retrieval_main(args))
        if not names:
            raise typer.Exit(code)
    if REQUESTS in names:
        names.remove(REQUESTS)
        from evals.requests.runner import main as requests_main

        args = ["--out", str((report or DEFAULT_REPORT_DIR.parent) / REQUESTS)] if report else []
        code = max(code, requests_main(args))
        if not names:
            raise typer.Exit(code)
    if OCCUPATION_EN in names:
        names.remove(OCCUPATION_EN)
        from evals.occupation_en.runner import main as occupation_en_main

        code = max(code, occupation_en_main([]))
        if not names:
            raise typer.Exit(code)
    if OCCUPATION in names:
        names.remove(OCCUPATION)
        from evals.occupation.runner import main as occupation_main

        args = ["--out", str((report or DEFAULT_REPORT_DIR.parent) / OCCUPATION)] if report else []
        code = max(code, occupation_main(args))
        if not names:
            raise typer.Exit(code)
    from evals.dialogues_runner.spec import load_suites

    try:
        load_suites(names or None)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="SUITES") from None
    if mode not in (None, "agent", "phrase"):
        raise typer.BadParameter("agent ou phrase", param_hint="--mode")
    overrides = {
        k: v for k, v in {"llm_base_url": base_url, "llm_model": model, "llm_mode": mode}.items() if v
    }
    try:
        outcome = asyncio.run(
            run_evals(
                Settings().model_copy(update=overrides),
                dialogues=dialogue or None,
                gates=gates,
                suites=names or None,
                provider=provider.value if provider else None,
                data_dir=data_dir or DEFAULT_DATA_DIR,
                report_dir=report or DEFAULT_REPORT_DIR,
            )
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    data = outcome.data
    typer.echo(
        f"Données : {data.data_dir} ({'réutilisées' if data.reused else 'construites'} : {data.offers} offres, "
        f"{data.candidates} candidats) · modèle : {outcome.provider}"
    )
    typer.echo(summary_table(outcome.metrics))
    for name, failures in outcome.failed_dialogues.items():
        typer.echo(f"ÉCHEC {name}")
        for line in failures[:8]:
            typer.echo(f"    {line}")
    typer.echo(f"Rapport : {outcome.report}")
    if outcome.gate_failures:
        typer.echo("Seuils non atteints :\n  " + "\n  ".join(outcome.gate_failures), err=True)
        raise typer.Exit(1)
    typer.echo("Tous les seuils sont atteints.")
    raise typer.Exit(code)
