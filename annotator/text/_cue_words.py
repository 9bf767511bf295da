"""Hedge and credibility cues in languages other than English (English lives in cues.py).

Where the words come from:
- credibility: the rating scales that fact-checkers of each language publish for their verdicts
  (Spanish: Maldita.es and Newtral, AFP Factual; French: AFP Factuel and Les Décodeurs of Le Monde;
  Portuguese: Agência Lupa and Aos Fatos; German: CORRECTIV.Faktencheck and dpa-Faktencheck;
  Ukrainian: VoxCheck and StopFake), and the wire agencies' stock phrase for what they could not
  check ("could not be independently verified": EFE, AFP, dpa, Lusa, Ukrinform);
- hedges: the reporting adverbs and verbs that style guides tell journalists to use for what is
  not established (Fundéu RAE on "presuntamente"; the Académie française's "Dire, ne pas dire" on
  "prétendument"; the Duden entries "angeblich" and "mutmaßlich"; the Ciberdúvidas da Língua
  Portuguesa on "alegadamente"; the Ukrainian style guide of Detector Media on "нібито"), with
  their inflected forms written out.

Words are matched whole and case-insensitively; a phrase matches with any run of spaces between its
words. Each list is a plain string so a newsroom can read and extend it.
"""

from __future__ import annotations

HEDGES: dict[str, str] = {
    "es": """presuntamente presunto presunta presuntos presuntas supuestamente supuesto supuesta
        supuestos supuestas aparentemente probablemente posiblemente quizá quizás tal_vez
        al_parecer según_parece se_cree se_dice se_rumorea rumor rumores podría podrían
        habría habrían parece parecen parecía sospechoso sospechosa no_está_claro""",
    "fr": """prétendument présumé présumée présumés présumées supposément apparemment
        probablement possiblement peut-être rumeur rumeurs aurait auraient pourrait pourraient
        semble semblent semblait il_semble il_paraît on_dit selon_des_rumeurs soupçonné
        soupçonnée pas_clair n'est_pas_clair""",
    "pt": """alegadamente supostamente suposto suposta supostos supostas aparentemente
        provavelmente possivelmente talvez boato boatos rumor rumores poderia poderiam
        teria teriam parece parecem parecia suspeito suspeita não_está_claro segundo_consta""",
    "de": """angeblich angebliche angeblichen angeblicher mutmaßlich mutmaßliche mutmaßlichen
        mutmaßlicher vermutlich offenbar anscheinend scheinbar wahrscheinlich
        möglicherweise vielleicht gerücht gerüchte soll sollen sollte sollten dürfte
        dürften könnte könnten unklar es_heißt""",
    "uk": """нібито начебто імовірно ймовірно можливо мабуть очевидно вочевидь чутки чутка
        припускають припускається вважається може могли міг могла могло незрозуміло
        неясно ніби буцімто""",
}

CREDIBILITY: dict[str, str] = {
    "es": """falso falsa falsos falsas engañoso engañosa engañosos engañosas bulo bulos
        desinformación inventado inventada manipulado manipulada fabricado fabricada
        verificado verificada confirmado confirmada desmentido desmentida desmiente negó
        niega sin_pruebas sin_evidencia no_verificado no_verificada no_confirmado
        sin_confirmar no_ha_podido_ser_verificado no_ha_podido_ser_verificada
        no_pudo_ser_verificado no_pudo_ser_verificada no_se_ha_podido_verificar
        no_ha_podido_ser_verificado_de_forma_independiente
        no_ha_podido_ser_verificada_de_forma_independiente
        no_ha_podido_ser_verificado_de_manera_independiente
        no_ha_podido_ser_verificada_de_manera_independiente
        de_forma_independiente de_manera_independiente propaganda dudoso dudosa""",
    "fr": """faux fausse fausses trompeur trompeuse trompeurs trompeuses infox intox
        désinformation inventé inventée manipulé manipulée fabriqué fabriquée vérifié
        vérifiée confirmé confirmée démenti démentie dément nié niée nie sans_preuve
        sans_preuves non_vérifié non_vérifiée non_confirmé non_confirmée douteux douteuse
        n'a_pas_pu_être_vérifié n'a_pas_pu_être_vérifiée n'ont_pas_pu_être_vérifiés
        n'a_pas_pu_être_vérifié_de_manière_indépendante
        n'a_pas_pu_être_vérifiée_de_manière_indépendante
        n'ont_pas_pu_être_vérifiés_de_manière_indépendante
        de_manière_indépendante de_façon_indépendante propagande infondé infondée""",
    "pt": """falso falsa falsos falsas enganoso enganosa enganosos enganosas boato
        desinformação inventado inventada manipulado manipulada fabricado fabricada
        verificado verificada confirmado confirmada desmentido desmentida desmente negou
        nega sem_provas sem_evidências não_verificado não_verificada não_confirmado
        não_confirmada não_pôde_ser_verificado não_pôde_ser_verificada
        não_pôde_ser_verificado_de_forma_independente
        não_pôde_ser_verificada_de_forma_independente
        não_foi_possível_verificar de_forma_independente insustentável exagerado
        exagerada distorcido distorcida propaganda duvidoso duvidosa""",
    "de": """falsch falsche falschen falscher irreführend irreführende irreführenden
        unbelegt unbelegte unbelegten erfunden erfundene manipuliert manipulierte gefälscht
        gefälschte desinformation falschmeldung falschbehauptung bestätigt bestätigte
        verifiziert verifizierte dementiert dementierte bestritten bestreitet ohne_beleg
        ohne_belege ohne_beweise nicht_bestätigt nicht_verifiziert
        konnte_nicht_unabhängig_überprüft_werden konnten_nicht_unabhängig_überprüft_werden
        ließ_sich_nicht_unabhängig_überprüfen nicht_unabhängig_überprüft unabhängig_überprüft
        propaganda zweifelhaft zweifelhafte""",
    "uk": """фейк фейки неправда неправдиво неправдивий неправдива маніпуляція маніпуляції
        маніпулятивний маніпулятивна дезінформація вигадка вигаданий вигадана
        сфабрикований сфабрикована підроблений підроблена підтверджено підтвердили
        підтверджений підтверджена спростували спростовано заперечили заперечує
        без_доказів не_підтверджено непідтверджений непідтверджена не_вдалося_перевірити
        не_вдалося_незалежно_перевірити неможливо_незалежно_перевірити незалежно_перевірити
        пропаганда сумнівний сумнівна""",
}
