from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from reconnect import services
from reconnect.forms import ConsentForm


def _in_language(version):
    """The text, summary and language code of `version` in the language the page is shown in."""
    if (translation.get_language() or "nb").startswith("en"):
        return version.text_en, version.summary_en, "en"
    return version.text_nb, version.summary_nb, "nb"


def terms_blocks(text):
    """Plain terms text as blocks for the template to render (escaped there): blank lines part blocks;
    a block of "- " lines is a list, a one-line block like "2. Title" is a heading, anything else a paragraph
    whose leading line may introduce a list ("...:" followed by "- " lines)."""
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        items = [line[2:] for line in lines if line.startswith("- ")]
        intro = [line for line in lines if not line.startswith("- ")]
        if len(lines) == 1 and lines[0][:1].isdigit() and ". " in lines[0][:4]:
            blocks.append({"kind": "heading", "text": lines[0]})
            continue
        if intro:
            blocks.append({"kind": "paragraph", "text": " ".join(intro)})
        if items:
            blocks.append({"kind": "list", "items": items})
    return blocks


def _next_url(request):
    """Where to go after accepting: `next` if it is a path on this site, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def consent(request):
    """Read the newest terms and accept them. The only page (besides the second factor) open before that."""
    version = services.current_consent_version()
    previous = services.last_accepted_consent(user=request.user)
    already_accepted = version is not None and previous is not None and previous.version_id == version.pk
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        initial={"version": version.version if version else None},
    )

    if request.method == "POST" and version is not None and not already_accepted and form.is_valid():
        if form.cleaned_data["version"] != version.version:
            # Newer terms were published while the person was reading: show them the new text first.
            messages.warning(
                request, _("The terms were updated while you were reading. Please read the new version.")
            )
            return redirect(request.get_full_path())
        services.accept_consent(user=request.user, version=version)
        messages.success(request, _("Thank you. You can now use ReConnect."))
        return redirect(_next_url(request))

    text, summary, terms_language = _in_language(version) if version is not None else ("", "", "")
    return render(request, "reconnect/consent.html", {
        "version": version,
        "terms_blocks": terms_blocks(text),
        "terms_language": terms_language,
        "summary": summary,
        # The person accepted an earlier version: say what changed before asking again.
        "is_update": previous is not None and not already_accepted,
        "already_accepted": already_accepted,
        "accepted_at": previous.accepted_at if already_accepted else None,
        "form": form,
        "next": _next_url(request),
    })
