"""A small background corpus of everyday news wording (English and Spanish), written for this package.

The lexical signal takes its idf from here, from the watchlist's own texts and from items the caller
has already seen, never from the items being linked. Its job is to make the words every story uses
("said", "police", "government", "dijo", "autoridades") weigh little, and names weigh a lot.
"""

from __future__ import annotations

BACKGROUND: tuple[str, ...] = (
    # English: politics, government, courts
    "The government said on Monday that it would present the new budget to parliament next week, "
    "after months of negotiations with opposition parties over taxes and spending.",
    "The president met with the foreign minister and other officials to discuss trade, security and "
    "migration, a spokesman said in a statement released on Tuesday.",
    "Voters went to the polls on Sunday in an election that officials described as calm; results are "
    "expected later this week, according to the electoral commission.",
    "A federal judge ruled on Thursday that the law was unconstitutional and ordered the state to "
    "suspend it while an appeal is heard by a higher court.",
    "Prosecutors charged the former mayor with corruption and money laundering; his lawyer said he "
    "was innocent and would fight the charges in court.",
    "The senate approved the reform by a wide margin after a long debate, and the bill now goes to "
    "the lower house, where its passage is expected in the coming months.",
    "Lawmakers called for an independent investigation into the contracts, saying the ministry had "
    "failed to explain how the money was spent.",
    "The attorney general's office said it had opened an inquiry and would release more information "
    "once the investigation was complete.",
    "The court sentenced the man to twelve years in prison for fraud; the defense said it would appeal "
    "the verdict.",
    "Officials from both countries signed an agreement to cooperate on energy, education and health, "
    "and pledged to meet again next year.",
    # English: security, crime, disasters (generic, no tracked unit)
    "Police said a man was arrested after a robbery at a shop in the city centre on Friday night; no "
    "one was injured, and the suspect was taken to a local station.",
    "Firefighters battled a blaze at a warehouse for several hours before bringing it under control; "
    "the cause of the fire is under investigation.",
    "Officers responded to reports of gunfire in the neighbourhood and found two people with wounds; "
    "they were taken to hospital in stable condition.",
    "The army and the navy deployed troops and helicopters to help residents after the storm flooded "
    "roads and cut power to thousands of homes.",
    "An earthquake of magnitude 5.8 shook the region early on Wednesday, damaging buildings and "
    "forcing schools to close, the national seismological service said.",
    "The defense ministry announced a new training programme for officers and said the armed forces "
    "would buy equipment with funds from the annual budget.",
    "Security forces increased patrols on the highway after a series of robberies, the state "
    "government said in a statement.",
    "Authorities said the group was responsible for drug trafficking and extortion in several towns, "
    "and that its leader had been detained in a raid.",
    "A plane made an emergency landing at the airport after reporting engine problems; all "
    "passengers and crew were safe, the airline said.",
    "The hurricane made landfall on the coast as a category three storm, and thousands of people "
    "were moved to shelters before it arrived.",
    "A bus crashed on the highway early on Saturday, killing three people and injuring twenty, "
    "according to emergency services.",
    "Human rights groups said the country must do more to protect journalists and activists, and "
    "urged authorities to investigate threats against them.",
    "The United Nations said the crisis had displaced tens of thousands of people and called for "
    "humanitarian access to the affected areas.",
    # English: economy, business
    "Stocks rose on Tuesday as investors welcomed the central bank's decision to keep interest rates "
    "unchanged, while the currency gained against the dollar.",
    "The company reported higher profits for the third quarter and said it would hire more workers "
    "at its factories next year.",
    "Inflation slowed for a second month in a row, the statistics office said, as food and fuel "
    "prices fell.",
    "Oil prices climbed after producers agreed to cut output, and analysts expected the market to "
    "remain tight for the rest of the year.",
    "The firm agreed to buy its rival for about two billion dollars in cash and shares, in a deal "
    "expected to close early next year.",
    # English: sports, culture, people, technology
    "The team won the championship on Sunday after a late goal, and fans celebrated in the streets "
    "of the capital until the early hours.",
    "The coach was fired after a string of defeats, the club said, and an assistant will lead the "
    "team for the rest of the season.",
    "The player signed a new contract worth millions of dollars over several years, his agent "
    "confirmed to reporters on Friday.",
    "The actress, who starred in several popular films and television series, died at her home at "
    "the age of 84, her family said.",
    "The singer announced a world tour that will begin in the spring, with concerts in Europe, "
    "Latin America and the United States.",
    "The film won the top prize at the festival, and its director thanked the cast and crew in a "
    "short speech during the ceremony.",
    "The company unveiled a new smartphone with a larger screen and a faster processor, and said it "
    "would go on sale next month.",
    "Scientists said the study, published in a journal on Wednesday, could help doctors treat the "
    "disease earlier.",
    "The museum reopened to the public after a renovation that lasted two years and cost millions.",
    "Hundreds of people marched through the city on Saturday to demand better wages and working "
    "conditions, organisers said.",
    "The school will reopen next week after repairs, the education department said, and classes "
    "will resume as normal.",
    "A spokeswoman for the hospital said the patient was in good condition and was expected to be "
    "released in the coming days.",
    # Places every story from the region names (countries, states, capitals): they must weigh little.
    "Heavy rains hit Guerrero, Oaxaca, Chiapas, Michoacán, Veracruz, Tabasco and the State of Mexico, "
    "and the national weather service warned of flooding in Jalisco, Puebla and Mexico City.",
    "Mexico and the United States agreed to expand cooperation on migration and trade, officials in "
    "Mexico City and Washington said after talks that also covered security.",
    "Lluvias intensas afectaron Guerrero, Oaxaca, Chiapas, Michoacán, Veracruz, Tamaulipas, Sinaloa, "
    "Sonora, Chihuahua, Nuevo León y el Estado de México, informó el Servicio Meteorológico Nacional.",
    "El gobierno de México y el de Estados Unidos firmaron un acuerdo de cooperación en la Ciudad de "
    "México; también participaron representantes de Canadá, Guatemala, Honduras y El Salvador.",
    "Leaders from Colombia, Peru, Brazil, Argentina, Chile, Ecuador, Venezuela, Bolivia and Paraguay "
    "met in Bogotá to discuss regional trade and the economy.",
    "Ministers from Guatemala, Honduras, El Salvador, Nicaragua, Costa Rica and Panama met in San "
    "Salvador to discuss migration, and the European Union and the United Nations sent observers.",
    "En Colombia, las autoridades de Antioquia, Cauca, Nariño, Valle del Cauca, Chocó y Norte de "
    "Santander anunciaron nuevas inversiones en carreteras y escuelas rurales.",
    "Officials in the Philippines, Indonesia, Nigeria, Kenya, Egypt, Iraq, Afghanistan and Pakistan "
    "said the summit in New York would focus on development and climate.",
    "The state government of Tamaulipas, Sinaloa and Chihuahua announced new roads, while Nuevo León, "
    "Baja California and Sonora reported record exports to the United States.",
    # Spanish: política, gobierno, justicia
    "El gobierno informó el lunes que presentará el nuevo presupuesto al Congreso la próxima semana, "
    "tras meses de negociaciones con los partidos de oposición.",
    "El presidente se reunió con el secretario de Relaciones Exteriores y otros funcionarios para "
    "hablar de comercio, seguridad y migración, informó un vocero en un comunicado.",
    "Los ciudadanos acudieron a las urnas el domingo en una jornada que las autoridades calificaron "
    "de tranquila; los resultados se conocerán esta semana.",
    "Un juez federal resolvió que la ley es inconstitucional y ordenó suspender su aplicación "
    "mientras se resuelve la apelación.",
    "La fiscalía acusó al exalcalde de corrupción y lavado de dinero; su abogado dijo que es inocente "
    "y que enfrentará el proceso en libertad.",
    "El Senado aprobó la reforma por amplia mayoría después de un largo debate, y ahora la minuta "
    "pasa a la Cámara de Diputados.",
    "Los legisladores pidieron una investigación independiente sobre los contratos y dijeron que la "
    "secretaría no ha explicado en qué se gastó el dinero.",
    "La Fiscalía General informó que abrió una carpeta de investigación y que dará más información "
    "cuando concluyan las diligencias.",
    "El tribunal condenó al hombre a doce años de prisión por fraude; la defensa anunció que apelará "
    "la sentencia.",
    # Spanish: seguridad, desastres (genéricos)
    "La policía informó que un hombre fue detenido tras el asalto a una tienda en el centro de la "
    "ciudad; no hubo heridos y el sospechoso fue puesto a disposición del ministerio público.",
    "Los bomberos combatieron durante varias horas un incendio en una bodega; las causas del "
    "siniestro están bajo investigación.",
    "El Ejército y la Marina desplegaron elementos y helicópteros para apoyar a la población después "
    "de que las lluvias inundaron calles y dejaron sin luz a miles de viviendas.",
    "Un sismo de magnitud 5.8 sacudió la región la madrugada del miércoles y causó daños en edificios, "
    "informó el Servicio Sismológico Nacional.",
    "La Secretaría de la Defensa anunció un nuevo programa de capacitación para sus elementos y la "
    "compra de equipo con recursos del presupuesto anual.",
    "Las autoridades estatales reforzaron los patrullajes en la carretera tras una serie de asaltos, "
    "según un comunicado del gobierno del estado.",
    "Las autoridades señalaron que el grupo se dedicaba al narcotráfico y la extorsión en varios "
    "municipios, y que su líder fue detenido en un operativo.",
    "Un autobús se volcó en la autopista la madrugada del sábado; tres personas murieron y veinte "
    "resultaron heridas, informaron los servicios de emergencia.",
    "Organizaciones civiles pidieron a las autoridades proteger a periodistas y defensores de derechos "
    "humanos e investigar las amenazas en su contra.",
    "Naciones Unidas advirtió que la crisis ha desplazado a decenas de miles de personas y pidió "
    "acceso humanitario a las zonas afectadas.",
    # Spanish: economía, deportes, cultura
    "La bolsa subió el martes y el peso se apreció frente al dólar, después de que el banco central "
    "mantuvo sin cambios la tasa de interés.",
    "La empresa reportó mayores ganancias en el tercer trimestre y anunció que contratará a más "
    "trabajadores en sus plantas el próximo año.",
    "La inflación se moderó por segundo mes consecutivo, informó el instituto de estadística, por la "
    "baja en los precios de alimentos y combustibles.",
    "El equipo ganó el campeonato el domingo con un gol en los últimos minutos, y los aficionados "
    "celebraron en las calles de la capital.",
    "El club anunció la salida de su entrenador tras una serie de derrotas; un auxiliar dirigirá al "
    "equipo el resto de la temporada.",
    "La actriz, que protagonizó varias películas y telenovelas, murió en su casa a los 84 años, "
    "informó su familia.",
    "Miles de personas marcharon el sábado por el centro de la ciudad para exigir mejores salarios, "
    "dijeron los organizadores.",
    "La escuela reabrirá la próxima semana después de las reparaciones, informó la secretaría de "
    "educación, y las clases se reanudarán con normalidad.",
)
